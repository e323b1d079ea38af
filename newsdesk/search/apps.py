from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "newsdesk.search"
    label = "newsdesk_search"
    verbose_name = "Site search"
