from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "newsdesk.editions"
    label = "editions"
    verbose_name = "Editions"
