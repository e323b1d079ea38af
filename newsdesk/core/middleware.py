"""Cache-Control for public pages, the HTTP methods they answer, and unknown editions.

The page cache itself sits in front of Django (`core.pagecache`, wrapped in `newsdesk/wsgi.py`):
it stores a response only if this middleware marked it `public`. Paths of the newsroom and of
per-reader endpoints, search pages and query strings no page reads are never marked.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import patch_cache_control
from django.utils.deprecation import MiddlewareMixin

from .pagecache.keys import (
    TRACKING_PARAMETERS,
    UNCACHED_PREFIXES,
    is_tracking_parameter,
    path_is_cacheable,
    query_is_cacheable,
    query_without_tracking,
)

__all__ = [
    "TRACKING_PARAMETERS",
    "UNCACHED_PREFIXES",
    "is_tracking_parameter",
    "query_is_cacheable",
    "query_without_tracking",
]

# A first path segment shaped like a language code: "de", "pt-br".
UNKNOWN_EDITION = re.compile(r"^/[a-zA-Z]{2}(?:-[a-zA-Z]{2,4})?(?:/|$)")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# Statuses a proxy may keep; 301 and 404 only briefly (PAGE_CACHE_ERROR_SECONDS).
PUBLIC_STATUSES = frozenset({200, 301, 404})
REFUSING_CACHE_CONTROL = ("private", "no-store", "no-cache")


def is_cacheable_path(request: HttpRequest) -> bool:
    return path_is_cacheable(request.path)


def is_signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def response_is_public(request: HttpRequest, response: HttpResponseBase) -> bool:
    """The same page for every anonymous reader: a page read, no cookie set, no CSRF token in
    it (PITFALLS.md 2), nothing in Cache-Control saying otherwise, a query string pages read."""
    if request.method not in ("GET", "HEAD") or response.status_code not in PUBLIC_STATUSES:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(directive in cache_control for directive in REFUSING_CACHE_CONTROL):
        return False
    return query_is_cacheable(request.META.get("QUERY_STRING", ""))


class PublicPageCacheHeadersMiddleware(MiddlewareMixin):
    """`Cache-Control: public, max-age, s-maxage, stale-while-revalidate` on public pages, the
    mark the page cache stores by; `private` for signed-in editors (never stored anywhere)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not is_cacheable_path(request):
            return response
        # Reading request.user loads the session: only on public paths (never the beacon's).
        if is_signed_in(request):
            patch_cache_control(response, private=True)
            return response
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            # The page holds this reader's CSRF token: no shared cache may keep it.
            patch_cache_control(response, private=True)
            return response
        if not response_is_public(request, response):
            return response
        shared = (
            settings.PAGE_CACHE_SECONDS if response.status_code == 200 else settings.PAGE_CACHE_ERROR_SECONDS
        )
        patch_cache_control(
            response,
            public=True,
            max_age=min(settings.PAGE_CACHE_BROWSER_SECONDS, shared),
            s_maxage=shared,
            stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
        )
        return response


class PublicMethodsMiddleware(MiddlewareMixin):
    """Readers' pages answer GET, HEAD and OPTIONS; anything else is a 405 with `Allow`.

    Wagtail's pages accept every method by default (TRACE rendered the page, OPTIONS
    advertised PUT and DELETE). The newsroom (`/admin/`) and the JSON endpoints (`/api/`)
    keep their own methods; the few public forms are named in `PUBLIC_FORM_VIEWS`. Placed
    before the CSRF middleware, so that a POST to an article is a 405, not a CSRF page.
    """

    def process_view(
        self, request: HttpRequest, view_func: object, view_args: object, view_kwargs: object
    ) -> HttpResponse | None:
        if request.path.startswith(UNCACHED_PREFIXES):
            return None
        allowed = public_methods_allowed(request)
        if request.method == "OPTIONS":
            return HttpResponse(headers={"Allow": ", ".join(allowed)})
        if request.method not in allowed:
            return HttpResponseNotAllowed(allowed)
        return None


def public_methods_allowed(request: HttpRequest) -> list[str]:
    match = request.resolver_match
    if match is not None and match.view_name in settings.PUBLIC_FORM_VIEWS:
        return ["GET", "HEAD", "POST", "OPTIONS"]
    return list(READ_METHODS)


class EditionLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that an unknown edition prefix is a plain 404.

    Without this, `/de/` is redirected to `/ru/de/`; a reader or crawler asking for an
    edition we do not publish should learn that it does not exist.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code == 404 and request.path_info.startswith(UNCACHED_PREFIXES):
            # API and newsroom paths have no edition prefix: their 404 (e.g. an API's JSON
            # "no such article") must not become a redirect to /ru/api/...
            return response
        if response.status_code == 404 and UNKNOWN_EDITION.match(request.path_info):
            prefix = request.path_info.split("/")[1].lower()
            if prefix not in {code for code, _ in settings.LANGUAGES}:
                return response
        return super().process_response(request, response)
