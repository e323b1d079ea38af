from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_delete

from newsdesk.articles.services import ARTICLE_MOVED
from newsdesk.articles.signals import article_changed
from newsdesk.core.services import on_commit_batched

from .models import RelatedArticle
from .services import related_section_move, related_withdraw
from .tasks import related_refill_task, related_refresh_task


def article_synced(sender: Any, *, article_id: int, change: str, document: Any, **kwargs: Any) -> None:
    """After the commit: a withdrawn article leaves every list at once (the lists it left are
    refilled in the background); a published or edited one is scored in the background."""
    if document is None:
        holders = related_withdraw(article_id=article_id)
        if holders:
            related_refill_task.enqueue(article_ids=holders)
        return
    if change == ARTICLE_MOVED:
        # The section bonus reads the new section at the next scoring; a moved section must
        # not queue a refresh for each of its articles.
        related_section_move(document=document)
        return
    related_refresh_task.enqueue(article_id=article_id)


def _refill_holders(batches: list[tuple[int, ...]]) -> None:
    holders = sorted({article_id for batch in batches for article_id in batch})
    if holders:
        related_refill_task.enqueue(article_ids=holders)


def article_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    """The lists that show a page being deleted go with it (cascade) before `article_changed`
    is sent: remember them now, refill them once the delete has committed."""
    holders = tuple(
        RelatedArticle.objects.filter(related_id=instance.pk)
        .exclude(article_id=instance.pk)
        .values_list("article_id", flat=True)
    )
    if holders:
        on_commit_batched(_refill_holders, holders)


def connect() -> None:
    from newsdesk.articles.models import ArticlePage

    article_changed.connect(article_synced, dispatch_uid="related_article_changed")
    pre_delete.connect(article_deleting, sender=ArticlePage, dispatch_uid="related_article_deleting")
