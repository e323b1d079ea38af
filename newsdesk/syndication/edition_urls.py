"""Per-edition routes of syndication (under /ru/, /kk/, /en/): feeds."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("newsdesk.syndication.feeds_urls")),
]
