from django.apps import AppConfig


class RelatedConfig(AppConfig):
    name = "newsdesk.related"
    label = "related"
    verbose_name = "Relevant news"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
