"""Routes of each edition (/ru/, /kk/, /en/) served by editions."""

from django.urls import path

from . import views

urlpatterns = [
    path("manifest.webmanifest", views.edition_manifest, name="edition_manifest"),
]
