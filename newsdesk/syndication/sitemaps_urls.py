"""robots.txt and sitemaps, one set per host (issue 10)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("robots.txt", views.robots_txt, name="syndication_robots"),
    path("sitemap.xml", views.sitemap_index, name="syndication_sitemap_index"),
    path("sitemap-<str:section>.xml", views.sitemap_section, name="syndication_sitemap"),
    path("news-sitemap-<str:language_code>.xml", views.news_sitemap, name="syndication_news_sitemap"),
]
