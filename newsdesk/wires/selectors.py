"""Reads of the wire desk: the items a user may see, and how many wait."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet
from wagtail.models import Locale

from newsdesk.core.editors import editions_for_user

from .models import WireItem, WireItemState

# The desk's default view: what no editor has handled yet.
INCOMING = "incoming"
INCOMING_STATES = (WireItemState.NEW, WireItemState.UPDATED)


def wire_items_for_user(*, user: User | AnonymousUser) -> QuerySet[WireItem]:
    """Items of the editions the user edits (publish permission), with what a row shows."""
    also = WireItem.objects.select_related("wire__partner").order_by("received_at")
    return (
        WireItem.objects.filter(wire__edition__in=editions_for_user(user=user))
        .select_related("wire__partner", "wire__edition", "article", "duplicate_of")
        .prefetch_related(Prefetch("also_reported_by", queryset=also))
    )


def wire_item_incoming_count(*, editions: list[Locale]) -> int:
    if not editions:
        return 0
    return WireItem.objects.filter(wire__edition__in=editions, state__in=INCOMING_STATES).count()


def wire_items_also_reporting(*, article_id: int) -> list[WireItem]:
    """Other partners' items merged into the story of this draft ("also reported by")."""
    return list(
        WireItem.objects.filter(duplicate_of__article_id=article_id, state=WireItemState.DUPLICATE)
        .select_related("wire__partner")
        .order_by("received_at", "pk")
    )
