"""robots.txt, the sitemap index, sitemap pages and Google News sitemaps (issue 10).

Thin: the sitemaps are built in `sitemaps.py` and rendered by `django.contrib.sitemaps`'
views. All are served through the page cache, which every publish purges.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import DisallowedHost
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from .sitemaps import edition_paths_get, news_publication_name, news_sitemap_items, sitemaps_for_site

NO_SUCH_EDITION = "No sitemap for this edition."
# Listings of search results: a new URL per query, nothing a crawler should index.
ROBOTS_DISALLOW = ("/admin/", "/django-admin/", "/api/", "/*/search/")


def site_base_url(request: HttpRequest) -> str:
    """`https://host` of the request; PUBLIC_BASE_URL when the host cannot be trusted."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return settings.PUBLIC_BASE_URL.rstrip("/")


def robots_txt(request: HttpRequest) -> HttpResponse:
    base = site_base_url(request)
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {base}{reverse('syndication_sitemap_index')}")
    for edition in edition_paths_get(request=request).values():
        news = reverse("syndication_news_sitemap", kwargs={"language_code": edition.language_code})
        lines.append(f"Sitemap: {base}{news}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap_index(request: HttpRequest) -> HttpResponse:
    return sitemap_views.index(
        request,
        sitemaps_for_site(request=request),
        template_name="syndication/sitemap_index.xml",
        sitemap_url_name="syndication_sitemap",
    )


def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(
        request, sitemaps_for_site(request=request), section=section, template_name="syndication/sitemap.xml"
    )


def news_sitemap(request: HttpRequest, language_code: str) -> HttpResponse:
    editions = {
        e.language_code: (locale_id, e) for locale_id, e in edition_paths_get(request=request).items()
    }
    if language_code not in editions:
        raise Http404(NO_SUCH_EDITION)
    locale_id, edition = editions[language_code]
    items = news_sitemap_items(edition=edition, locale_id=locale_id, base_url=site_base_url(request))
    context = {
        "items": items,
        "publication_name": news_publication_name(language_code=language_code),
        "language": language_code,
    }
    return render(request, "syndication/news_sitemap.xml", context, content_type="application/xml")
