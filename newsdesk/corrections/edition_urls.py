"""Mounted inside each edition's prefix: /ru/, /kk/, /en/."""

from django.urls import path

from . import views

# Not "corrections": that namespace belongs to the /api/corrections/ routes.
app_name = "corrections_edition"
urlpatterns = [
    path("report-error/", views.error_report_form, name="report_form"),
]
