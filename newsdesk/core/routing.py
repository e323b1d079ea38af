"""Wagtail's routing of public pages, answered from a per-process memo (issue 12).

Wagtail finds the page for every request again: the Site by hostname (1 query), the root page
in the active language (3 queries), the page by its address (1), then the view restrictions of
the page and its ancestors (2). That is about half of an uncached article's CPU, and its answer
only changes when a page, a site, a locale or a restriction changes, which is exactly what
bumps the fragments generation (`core.fragments`). So the answer is kept per process under
that generation, like a fragment that is never shared between processes (model instances are
cheaper to rebuild than to unpickle):

- `PageRouteMemoMiddleware.process_view` primes `request._wagtail_site` and
  `request._wagtail_route_for_request`, the two attributes in which Wagtail itself caches its
  answers for the request, before Wagtail's `serve` view asks for them. Each request gets its
  own shallow copy of the page, so nothing one request sets on it is seen by another.
- `ViewRestrictionsMemoMixin.get_view_restrictions` answers "no restriction" without a query
  while no `PageViewRestriction` exists at all, the usual case for a news site.

Unknown addresses (404) are not kept: crawlers' random URLs would only evict real entries.
When the generation cannot be read (the shared cache is down), Wagtail routes as usual.
"""

from __future__ import annotations

import contextvars
import copy
import types
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from .fragments import fragment_get_or_set, fragments_generation

_MISSING = object()
# The request being answered, for reads that Wagtail makes without one (view restrictions):
# its fragments generation is then read once per request, not once per read.
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("routing_request", default=None)


def _memoised(name: str, vary: tuple[Any, ...], compute: Any, *, request: HttpRequest | None) -> Any:
    return fragment_get_or_set(f"route:{name}", vary, compute, request=request, shared=False)


def site_for_request(request: HttpRequest) -> Site | None:
    """Wagtail's `Site.find_for_request`, kept per (host, port) and generation."""
    host, port = request._get_raw_host(), request.get_port()  # type: ignore[attr-defined]  # as Wagtail
    return _memoised("site", (host, port), lambda: Site._find_for_request(request), request=request)


def route_for_request(request: HttpRequest, path: str) -> RouteResult | None:
    """Wagtail's `Page.route_for_request`, kept per site, language, path and generation.

    The page is copied for each request; a 404 is computed every time and never kept.
    """
    site = site_for_request(request)
    if site is None:
        return None
    language = translation.get_language() or ""

    def route() -> RouteResult | object:
        result = Page.route_for_request(request, path)
        return _MISSING if result is None else result

    memo_key = (site.pk, language, path)
    result = _memoised("page", memo_key, route, request=request)
    if result is _MISSING:
        return None
    page, args, kwargs = result
    own = copy.copy(page)
    if args and getattr(args[0], "__self__", None) is page:
        # A routable page's sub-route: its view is bound to the kept page; bind it to the copy.
        args = (types.MethodType(args[0].__func__, own), *args[1:])
    return RouteResult(own, args, kwargs)


class PageRouteMemoMiddleware:
    """Primes Wagtail's per-request routing caches from the memo for reads of public pages."""

    def __init__(self, get_response: Any) -> None:
        # Imported here: wagtail.views loads the page model, which imports this module.
        from wagtail.views import serve

        self.get_response = get_response
        self.wagtail_serve = serve

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: tuple[Any, ...], view_kwargs: dict[str, Any]
    ) -> None:
        if view_func is not self.wagtail_serve or request.method not in ("GET", "HEAD"):
            return None
        if fragments_generation(request=request) is None:
            return None
        path = view_kwargs.get("path", view_args[0] if view_args else "")
        request._wagtail_site = site_for_request(request)  # type: ignore[attr-defined]
        request._wagtail_route_for_request = route_for_request(request, path)  # type: ignore[attr-defined]
        return None


def view_restrictions_exist() -> bool:
    """Whether any page has a view restriction, kept per generation (a restriction saved or
    deleted bumps it: `core.fragments.SOURCE_MODELS`)."""
    return _memoised("restrictions", (), lambda: PageViewRestriction.objects.exists(), request=_request.get())


class ViewRestrictionsMemoMixin:
    """For page models: no view-restriction queries while the site has no restriction."""

    def get_view_restrictions(self) -> Any:
        if not view_restrictions_exist():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()  # type: ignore[misc]
