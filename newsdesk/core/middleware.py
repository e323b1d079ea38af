"""Whole-page cache for anonymous readers, and the HTTP methods public pages answer.

Django's cache middleware, pointed at the "pages" cache alias so that publishing can purge
exactly the cached pages (`core.services.page_cache_purge`) without touching other cached
values. Paths of the newsroom and of per-reader endpoints are never cached.

The cache must not be floodable (issue 15, shared/PITFALLS.md item 13): every distinct key
is an entry, and a full cache evicts real article pages. So tracking parameters and cookies
are left out of the key, query parameters no page reads are never stored, search result
pages (a new URL per query) are not cached at all, and signed-in editors are neither served
nor stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import cast
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import patch_cache_control
from django.utils.deprecation import MiddlewareMixin

UNCACHED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/api/")
# A first path segment shaped like a language code: "de", "pt-br".
UNKNOWN_EDITION = re.compile(r"^/[a-zA-Z]{2}(?:-[a-zA-Z]{2,4})?(?:/|$)")
# Search result pages: every query is a new URL, so caching them would only evict articles.
UNCACHED_EDITION_PATHS = re.compile(r"^/[a-zA-Z]{2}(?:-[a-zA-Z]{2,4})?/search/")

# Click and campaign identifiers that analytics scripts read and pages never do: left out of
# the page cache key, so `/a/?utm_source=x&fbclid=y` is served from (and refreshes) `/a/`.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "dclid",  # Google Display
        "gbraid",  # Google Ads (iOS)
        "wbraid",  # Google Ads (iOS web)
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex Direct
        "ysclid",  # Yandex
        "_openstat",  # Openstat (Yandex)
        "mc_cid",  # Mailchimp campaign
        "mc_eid",  # Mailchimp subscriber
        "igshid",  # Instagram share
    }
)
TRACKING_PREFIXES = ("utm_",)  # Google Analytics campaign parameters: utm_source, utm_medium...

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def is_tracking_parameter(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def query_without_tracking(query_string: str) -> str:
    """The query string with tracking parameters dropped, the rest left byte for byte."""
    return "&".join(
        part
        for part in query_string.split("&")
        if part and not is_tracking_parameter(unquote_plus(part.split("=", 1)[0]))
    )


# Values a page reads: a period name, a page number. Anything else (long, odd, repeated) is
# served but never stored, so no parameter opens an unbounded space of cache entries.
CACHEABLE_VALUE = re.compile(r"[a-z0-9-]{1,16}")
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def query_is_cacheable(query_string: str) -> bool:
    """True when every parameter left after tracking ones is one a page reads (`?page=2`),
    given once, with a plain value (a page number up to PAGE_CACHE_MAX_PAGE): any other would
    make a new entry for the same content (`?page=99999` shows the last page)."""
    allowed = set(settings.PAGE_CACHE_QUERY_PARAMETERS)
    seen: set[str] = set()
    for part in query_without_tracking(query_string).split("&"):
        if not part:
            continue
        raw_name, _, raw_value = part.partition("=")
        name, value = unquote_plus(raw_name), unquote_plus(raw_value)
        if name not in allowed or name in seen or not CACHEABLE_VALUE.fullmatch(value):
            return False
        if name == "page" and not (
            PAGE_NUMBER.fullmatch(value) and int(value) <= settings.PAGE_CACHE_MAX_PAGE
        ):
            return False
        seen.add(name)
    return True


def is_cacheable_path(request: HttpRequest) -> bool:
    return not request.path.startswith(UNCACHED_PREFIXES) and not UNCACHED_EDITION_PATHS.match(request.path)


def is_signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


@contextmanager
def keyed_for_page_cache(request: HttpRequest) -> Iterator[None]:
    """For the duration of one cache look-up or store, let Django's cache key see the URL
    without tracking parameters, and no cookies.

    Pages say `Vary: Cookie` (the userbar asks who the user is), so Django keyed them by the
    whole Cookie header: every reader carrying an analytics cookie had an entry of their
    own, and random cookies flooded the cache. The anonymous page does not depend on
    cookies here: signed-in users never reach this cache, Wagtail marks view-restricted
    pages never-cache, and a page carrying a CSRF token is not stored. The header stays on
    the response for the caches in front of us.
    """
    query, cookie = request.META.get("QUERY_STRING", ""), request.META.pop("HTTP_COOKIE", None)
    request.META["QUERY_STRING"] = query_without_tracking(query)
    try:
        yield
    finally:
        request.META["QUERY_STRING"] = query
        if cookie is not None:
            request.META["HTTP_COOKIE"] = cookie


class PublicPageCacheUpdateMiddleware(UpdateCacheMiddleware):
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        super().__init__(get_response)
        self.cache_alias = "pages"
        self.cache_timeout = settings.PAGE_CACHE_SECONDS
        self.page_timeout = None

    def _should_update_cache(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        return (
            is_cacheable_path(request)
            and query_is_cacheable(request.META.get("QUERY_STRING", ""))
            # A CSRF token in the page is this reader's (PITFALLS.md, item 2).
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            # The stubs leave out this private hook, which Django's own subclasses override.
            and super()._should_update_cache(request, response)  # type: ignore[misc]
        )

    # The stubs type the response as `HttpResponseBase | str`; Django never passes a str.
    def process_response(  # type: ignore[override]
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # Only public pages: reading request.user loads the session, which the beacon and the
        # other /api/ endpoints never need.
        if is_cacheable_path(request) and is_signed_in(request):
            # An editor's view of a page (userbar, previews, drafts in listings) is theirs
            # alone: never stored here, never by a shared cache in front of us.
            patch_cache_control(response, private=True)
            return response
        with keyed_for_page_cache(request):
            return cast(HttpResponseBase, super().process_response(request, response))


class PublicPageCacheFetchMiddleware(FetchFromCacheMiddleware):
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        super().__init__(get_response)
        self.cache_alias = "pages"

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if not is_cacheable_path(request) or is_signed_in(request):
            request._cache_update_cache = False  # type: ignore[attr-defined]
            return None
        with keyed_for_page_cache(request):
            return super().process_request(request)


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
