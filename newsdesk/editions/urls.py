"""Site-level routes of editions (no edition prefix): what browsers and feed readers ask of any
site whatever its pages link (docs/reader-page.md)."""

from django.urls import path

from . import views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
]
