"""Every public route, mounted in one place."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns: list[URLPattern | URLResolver] = [
    # Per-reader endpoints, first: the view beacon is the busiest route of the site. Never
    # cached (see core.middleware.UNCACHED_PREFIXES).
    path("api/analytics/", include("newsdesk.analytics.urls")),
    path("api/corrections/", include("newsdesk.corrections.urls")),
    path("api/search/", include("newsdesk.search.urls")),
    # /healthz and /readyz for probes: no edition prefix, never cached (docs/operations.md).
    path("", include("newsdesk.operations.urls")),
    # /favicon.ico: asked for by browsers and feed readers whatever the page links.
    path("", include("newsdesk.editions.urls")),
    # robots.txt, sitemaps and the apps' API (/api/v2/).
    path("", include("newsdesk.syndication.urls")),
    # Django's own admin: off in production unless DJANGO_ADMIN_ENABLED (docs/security.md).
    *([path("django-admin/", admin.site.urls)] if settings.DJANGO_ADMIN_ENABLED else []),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.SERVE_MEDIA:
    # The laptop setup serves uploads itself; production puts media behind storage/CDN.
    from django.views.static import serve

    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += i18n_patterns(
    # Edition pages served by the apps themselves (most viewed, search, error form), then
    # Wagtail's page tree.
    path("", include("newsdesk.editions.edition_urls")),
    path("", include("newsdesk.analytics.edition_urls")),
    path("", include("newsdesk.corrections.edition_urls")),
    path("", include("newsdesk.search.edition_urls")),
    path("", include("newsdesk.syndication.edition_urls")),
    path("", include("newsdesk.wires.newsml_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
