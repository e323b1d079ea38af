"""NewsML-G2 out, mounted under /<lang>/ (issue 11, "NewsML-G2 out")."""

from django.urls import URLPattern, URLResolver, path

from .newsml_views import newsml_item, newsml_package

urlpatterns: list[URLPattern | URLResolver] = [
    path("newsml/", newsml_package, name="wires-newsml-package"),
    path("newsml/<int:article_id>.xml", newsml_item, name="wires-newsml-item"),
]
