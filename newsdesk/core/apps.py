from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "newsdesk.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import fragments, signal_handlers

        signal_handlers.connect()
        fragments.connect()
