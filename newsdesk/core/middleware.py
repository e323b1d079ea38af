"""Whole-page cache for anonymous readers.

Django's cache middleware, pointed at the "pages" cache alias so that publishing can purge
exactly the cached pages (`core.services.page_cache_purge`) without touching other cached
values. Paths of the newsroom and of per-reader endpoints are never cached.
"""

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.middleware.locale import LocaleMiddleware

UNCACHED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/api/")
# A first path segment shaped like a language code: "de", "pt-br".
UNKNOWN_EDITION = re.compile(r"^/[a-zA-Z]{2}(?:-[a-zA-Z]{2,4})?(?:/|$)")


def is_cacheable_path(request: HttpRequest) -> bool:
    return not request.path.startswith(UNCACHED_PREFIXES)


class PublicPageCacheUpdateMiddleware(UpdateCacheMiddleware):
    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        super().__init__(get_response)
        self.cache_alias = "pages"
        self.cache_timeout = settings.PAGE_CACHE_SECONDS
        self.page_timeout = None

    def _should_update_cache(self, request: HttpRequest, response: HttpResponse) -> bool:
        return is_cacheable_path(request) and super()._should_update_cache(request, response)


class PublicPageCacheFetchMiddleware(FetchFromCacheMiddleware):
    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        super().__init__(get_response)
        self.cache_alias = "pages"

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if not is_cacheable_path(request):
            request._cache_update_cache = False
            return None
        return super().process_request(request)


class EditionLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that an unknown edition prefix is a plain 404.

    Without this, `/de/` is redirected to `/ru/de/`; a reader or crawler asking for an
    edition we do not publish should learn that it does not exist.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code == 404 and request.path_info.startswith(UNCACHED_PREFIXES):
            # API and newsroom paths have no edition prefix: their 404 (e.g. an API's JSON
            # "no such article") must not become a redirect to /ru/api/...
            return response
        if response.status_code == 404 and UNKNOWN_EDITION.match(request.path_info):
            prefix = request.path_info.split("/")[1].lower()
            if prefix not in {code for code, _ in settings.LANGUAGES}:
                return response
        return super().process_response(request, response)
