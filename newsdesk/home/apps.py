from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "newsdesk.home"
    label = "home"
    verbose_name = "Front pages"
