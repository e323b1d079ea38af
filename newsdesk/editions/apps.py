from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "newsdesk.editions"
    label = "editions"
    verbose_name = "Editions"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
