"""The wire desk's actions: take an item into editing, or discard it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import WireItem, WireItemState


def wire_item_take(*, item: WireItem, user: Any) -> WireItem:
    """The editor works on it now: the feed no longer updates its draft."""
    WireItem.objects.filter(pk=item.pk).update(state=WireItemState.TAKEN)
    item.state = WireItemState.TAKEN
    return item


def wire_item_discard(*, item: WireItem, user: Any) -> WireItem:
    """Not for us: off the desk, its draft's wire review cancelled; the draft stays unpublished
    (an editor may still delete it; deleting here would lose an editor's work on it)."""
    with transaction.atomic():
        WireItem.objects.filter(pk=item.pk).update(state=WireItemState.DISCARDED)
        item.state = WireItemState.DISCARDED
        article = item.article
        state = article.current_workflow_state if article is not None else None
        if state is not None:
            state.cancel(user=user)
    return item
