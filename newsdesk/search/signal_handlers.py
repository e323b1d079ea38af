from __future__ import annotations

from typing import Any

from wagtail.signals import page_published, page_unpublished

from .tasks import search_index_task, search_unindex_task


def article_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    search_index_task.enqueue(article_id=instance.pk)


def article_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    search_unindex_task.enqueue(article_id=instance.pk)


def connect() -> None:
    # A deleted article's document goes with it (SearchDocument.article cascades).
    from newsdesk.articles.models import ArticlePage

    page_published.connect(article_published, sender=ArticlePage, dispatch_uid="search_article_published")
    page_unpublished.connect(
        article_unpublished, sender=ArticlePage, dispatch_uid="search_article_unpublished"
    )
