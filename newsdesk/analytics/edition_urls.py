"""Pages of each edition (/ru/, /kk/, /en/) served by analytics."""

from django.urls import path

from . import views

urlpatterns = [
    path("most-viewed/", views.most_viewed_page, name="analytics_most_viewed"),
]
