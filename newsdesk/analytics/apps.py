from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "newsdesk.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from newsdesk.core.fragments import generation_companion_register

        from . import signal_handlers  # noqa: F401
        from .selectors import MOST_VIEWED_GENERATION_KEY

        # Read with the fragments generation: one round trip for both on every page.
        generation_companion_register(MOST_VIEWED_GENERATION_KEY)
