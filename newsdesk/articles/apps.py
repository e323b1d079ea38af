from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "newsdesk.articles"
    label = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
