"""/api/analytics/: per-reader endpoints, never cached (core.middleware.UNCACHED_PREFIXES)."""

from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("views/", views.view_beacon, name="view_beacon"),
    path("views/pixel/<int:article_id>.gif", views.view_pixel, name="view_pixel"),
    path("ping/", views.ping, name="ping"),
]
