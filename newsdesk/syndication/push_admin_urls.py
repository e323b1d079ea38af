from django.urls import URLPattern, path

from .push_views import PushEndpointStatusReportView

urlpatterns: list[URLPattern] = [
    path("reports/push/", PushEndpointStatusReportView.as_view(), name="syndication_push_status_report"),
    path(
        "reports/push/results/",
        PushEndpointStatusReportView.as_view(results_only=True),
        name="syndication_push_status_report_results",
    ),
]
