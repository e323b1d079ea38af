from typing import Any

from wagtail.signals import page_published

from .services import article_stamp_publication


def stamp_publication(sender: Any, instance: Any, **kwargs: Any) -> None:
    article_stamp_publication(article=instance)


def connect() -> None:
    from .models import ArticlePage

    page_published.connect(stamp_publication, sender=ArticlePage, dispatch_uid="articles_stamp_publication")
