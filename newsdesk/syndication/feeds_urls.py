"""Feeds of an edition, mounted under /<lang>/ (issue 10, "Feeds")."""

from django.urls import URLPattern, URLResolver, path

from .feeds import EditionAtomFeed, EditionFeed, FullTextFeed

urlpatterns: list[URLPattern | URLResolver] = [
    path("feeds/rss/", EditionFeed(), name="feeds-edition-rss"),
    path("feeds/atom/", EditionAtomFeed(), name="feeds-edition-atom"),
    path("feeds/full-text/", FullTextFeed(), name="feeds-full-text"),
    path("feeds/tags/<str:tag>/rss/", EditionFeed(), name="feeds-tag-rss"),
    path("feeds/tags/<str:tag>/atom/", EditionAtomFeed(), name="feeds-tag-atom"),
    path("feeds/<slug:section>/rss/", EditionFeed(), name="feeds-section-rss"),
    path("feeds/<slug:section>/atom/", EditionAtomFeed(), name="feeds-section-atom"),
]
