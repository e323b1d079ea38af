"""The wire desk, under /admin/wire-desk/ (wrapped in Wagtail's admin access check)."""

from django.urls import path

from . import admin_views

app_name = "wires_admin"
urlpatterns = [
    path("", admin_views.WireDeskView.as_view(), name="index"),
    path("results/", admin_views.WireDeskResultsView.as_view(), name="index_results"),
    path("<int:pk>/take/", admin_views.wire_item_take_view, name="take"),
    path("<int:pk>/discard/", admin_views.wire_item_discard_view, name="discard"),
]
