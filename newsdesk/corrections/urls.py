"""Mounted at /api/corrections/ (never cached, not language-prefixed)."""

from django.urls import path

from . import views

app_name = "corrections"
urlpatterns = [
    path("reports/", views.error_report_api, name="report_api"),
]
