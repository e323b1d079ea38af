from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, pre_delete
from wagtail.signals import page_published, page_unpublished

from .models import RelatedArticle
from .tasks import related_forget_task, related_refill_task, related_refresh_task

# Filled in pre_delete, used in post_delete: the lists that showed a page being deleted.
_holders: dict[int, list[int]] = {}


def article_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    related_refresh_task.enqueue(article_id=instance.pk)


def article_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    related_forget_task.enqueue(article_id=instance.pk)


def article_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    _holders[instance.pk] = list(
        RelatedArticle.objects.filter(related_id=instance.pk).values_list("article_id", flat=True)
    )


def article_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # The page's own rows went with it (cascade); the lists that showed it need a new item.
    holders = [h for h in _holders.pop(instance.pk, []) if h != instance.pk]
    if holders:
        related_refill_task.enqueue(article_ids=holders)


def connect() -> None:
    from newsdesk.articles.models import ArticlePage

    page_published.connect(article_published, sender=ArticlePage, dispatch_uid="related_article_published")
    page_unpublished.connect(
        article_unpublished, sender=ArticlePage, dispatch_uid="related_article_unpublished"
    )
    pre_delete.connect(article_deleting, sender=ArticlePage, dispatch_uid="related_article_deleting")
    post_delete.connect(article_deleted, sender=ArticlePage, dispatch_uid="related_article_deleted")
