from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    """What others read: feeds, sitemaps, structured data, the apps' API, push to hubs."""

    name = "newsdesk.syndication"
    label = "syndication"
    verbose_name = "Syndication"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
