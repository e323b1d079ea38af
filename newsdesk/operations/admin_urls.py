from django.urls import path

from . import admin_views

urlpatterns = [
    path("lateness/", admin_views.lateness_view, name="operations_lateness"),
]
