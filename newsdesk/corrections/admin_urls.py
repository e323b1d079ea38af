"""The editors' inbox, under /admin/error-reports/ (wrapped in Wagtail's admin access check)."""

from django.urls import path

from . import admin_views

app_name = "corrections_admin"
urlpatterns = [
    path("", admin_views.ErrorReportIndexView.as_view(), name="index"),
    path("results/", admin_views.ErrorReportIndexResultsView.as_view(), name="index_results"),
    path("bulk/", admin_views.error_report_bulk, name="bulk"),
    path("<int:pk>/", admin_views.ErrorReportDetailView.as_view(), name="detail"),
    path("notes/<int:pk>/hide/", admin_views.CorrectionNoteHideView.as_view(), name="note_hide"),
]
