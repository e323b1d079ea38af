from django.apps import AppConfig


class WiresConfig(AppConfig):
    """Partner wires in: feeds to attributed drafts, the wire desk, NewsML-G2 out (issue 11)."""

    name = "newsdesk.wires"
    label = "wires"
    verbose_name = "Partner wires"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
