"""The apps' read-only JSON API (mounted at /api/v2/): articles, sections, editions."""

from django.urls import URLPattern, URLResolver, path
from wagtail.api.v2.router import WagtailAPIRouter

from .api.views import ArticlesEndpoint, EditionsEndpoint, SectionsEndpoint

api_router = WagtailAPIRouter("syndication_api")
api_router.register_endpoint("articles", ArticlesEndpoint)
api_router.register_endpoint("sections", SectionsEndpoint)
api_router.register_endpoint("editions", EditionsEndpoint)

urlpatterns: list[URLPattern | URLResolver] = [path("", api_router.urls)]
