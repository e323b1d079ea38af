"""Site-level routes of syndication: robots.txt and sitemaps (one per host), the apps' API."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from .push_views import indexnow_key_file

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("newsdesk.syndication.sitemaps_urls")),
    path("api/v2/", include("newsdesk.syndication.api_urls")),
    # IndexNow's proof that we own the host (push.py).
    re_path(r"^(?P<key>[A-Za-z0-9-]{8,128})\.txt$", indexnow_key_file, name="indexnow_key_file"),
]
