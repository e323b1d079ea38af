from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "newsdesk.search"
    label = "newsdesk_search"
    verbose_name = "Site search"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
