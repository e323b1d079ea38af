from django.urls import path

from .admin_views import ArticleViewsChartView, BurstFlagReportView, MostViewedReportView

urlpatterns = [
    path("articles/<int:page_id>/views/", ArticleViewsChartView.as_view(), name="analytics_article_views"),
    path("reports/most-viewed/", MostViewedReportView.as_view(), name="analytics_most_viewed_report"),
    path(
        "reports/most-viewed/results/",
        MostViewedReportView.as_view(results_only=True),
        name="analytics_most_viewed_report_results",
    ),
    path("reports/view-bursts/", BurstFlagReportView.as_view(), name="analytics_burst_report"),
    path(
        "reports/view-bursts/results/",
        BurstFlagReportView.as_view(results_only=True),
        name="analytics_burst_report_results",
    ),
]
