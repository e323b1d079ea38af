"""Wagtail API v2 endpoints of the apps' API; the work is in params, selectors and cache.

Wagtail's BaseAPIViewSet gives the routing and turns `BadRequestError` into a 400 with a JSON
`message`; its generic field machinery is not used, so that each endpoint answers a fixed shape
in a fixed number of queries and refuses every parameter it does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.http import Http404
from django.urls import URLPattern, path
from django.utils.cache import patch_cache_control
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from wagtail.api.v2.views import BaseAPIViewSet

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.editions.models import Edition

from . import selectors
from .cache import api_response_cached
from .params import ARTICLE_PARAMETERS, EDITION_PARAMETERS, PAGINATION, SECTION_PARAMETERS, query_parse

ARTICLE_NOT_FOUND = "no published article with this id"


def _public(data: Any) -> Response:
    response = Response(data)
    patch_cache_control(response, public=True, max_age=settings.API_CACHE_SECONDS)
    return response


class ReadOnlyEndpoint(BaseAPIViewSet):
    renderer_classes = [JSONRenderer]
    authentication_classes: ClassVar[list] = []  # public data: no session, no cookie, no CSRF
    permission_classes: ClassVar[list] = []
    accepted: ClassVar[frozenset[str]] = PAGINATION
    list_data: ClassVar[Callable[..., dict[str, Any]]]

    def listing_view(self, request: Request) -> Response:
        query = query_parse(params=request.GET, accepted=self.accepted)
        data = api_response_cached(
            endpoint=f"{self.name}:list",
            key=query.cache_key(),
            build=lambda: type(self).list_data(query=query),
        )
        return _public(data)

    @classmethod
    def get_urlpatterns(cls) -> list[URLPattern]:
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]


class ArticlesEndpoint(ReadOnlyEndpoint):
    model = ArticlePage
    name = "articles"
    accepted = ARTICLE_PARAMETERS
    list_data = staticmethod(selectors.article_list)

    def detail_view(self, request: Request, pk: int) -> Response:
        query_parse(params=request.GET, accepted=frozenset())
        data = api_response_cached(
            endpoint="articles:detail", key=str(pk), build=lambda: selectors.article_detail(article_id=pk)
        )
        if data is None:
            raise Http404(ARTICLE_NOT_FOUND)
        return _public(data)

    @classmethod
    def get_urlpatterns(cls) -> list[URLPattern]:
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]


class SectionsEndpoint(ReadOnlyEndpoint):
    model = SectionPage
    name = "sections"
    accepted = SECTION_PARAMETERS
    list_data = staticmethod(selectors.section_list)


class EditionsEndpoint(ReadOnlyEndpoint):
    model = Edition
    name = "editions"
    accepted = EDITION_PARAMETERS
    list_data = staticmethod(selectors.edition_list)
