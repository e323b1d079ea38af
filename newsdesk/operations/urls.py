"""Mounted at the site's root, outside the edition prefixes (newsdesk/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="operations_healthz"),
    path("readyz", views.readyz, name="operations_readyz"),
]
