"""Purging what readers see, once the change behind it has committed (issue 15, part 1).

Work done in a signal runs inside the caller's transaction (Wagtail's delete view is one
transaction): a purge done there can be undone, or another request can fill the cache again
before the commit it depends on (shared/PITFALLS.md, 14). So purges wait for the commit, and
many changes in one transaction (a section deleted with its articles) purge once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from django.conf import settings
from django.db import transaction

from .pagecache.purge import (
    EVERYTHING,
    PurgeTarget,
    page_cache_purge_batch,
    page_cache_purge_collect,
    page_cache_purge_now,
)

__all__ = [
    "EVERYTHING",
    "PurgeTarget",
    "on_commit_batched",
    "page_cache_purge",
    "page_cache_purge_batch",
    "page_cache_purge_on_commit",
    "page_cache_purge_pages_on_commit",
]

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=Hashable)


class _CommitBatch(Generic[T]):
    """The items given during one transaction, handed to `handler` once it commits."""

    def __init__(self, handler: Callable[[list[T]], None]) -> None:
        self.handler = handler
        self.items: dict[T, None] = {}
        self.done = False

    def __call__(self) -> None:
        self.done = True
        self.handler(list(self.items))


def on_commit_batched(handler: Callable[[list[T]], None], item: T, *, using: str | None = None) -> None:
    """Call `handler(items)` once after the current transaction commits, with every item given
    for it during that transaction, in order and without repeats; at once outside a transaction.

    A rolled-back transaction drops the batch with its other commit callbacks.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        handler([item])
        return
    # Django keeps (savepoint ids, callback, robust) per pending callback.
    for _sids, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _CommitBatch) and callback.handler is handler and not callback.done:
            callback.items[item] = None
            return
    batch: _CommitBatch[T] = _CommitBatch(handler)
    batch.items[item] = None
    transaction.on_commit(batch, using=using)


def page_cache_purge() -> None:
    """Drop every cached public page now (here; the proxy is told the named targets only)."""
    page_cache_purge_now([EVERYTHING])


def _purge(targets: list[PurgeTarget]) -> None:
    page_cache_purge_now(targets)


def page_cache_purge_on_commit(
    targets: Iterable[PurgeTarget] = (EVERYTHING,), *, reason: str = "changed", using: str | None = None
) -> None:
    """Purge these targets (by default every page) once the current transaction commits, in one
    batch with the others of that transaction; at once outside one, or into the open
    `page_cache_purge_batch()`. `reason` is for the log."""
    targets = list(targets)
    logger.debug("page cache purge (%s): %d targets", reason, len(targets))
    if page_cache_purge_collect(targets):
        return
    if not transaction.get_connection(using).in_atomic_block:
        page_cache_purge_now(targets)
        return
    for target in targets:
        on_commit_batched(_purge, target, using=using)


def page_cache_purge_pages_on_commit(*, page_ids: Iterable[int], reason: str = "changed") -> None:
    """Purge the pages with these ids (their own URL), e.g. after a correction note; many at
    once (a rebuild) purge every page rather than resolve thousands of URLs."""
    from wagtail.models import Page

    ids = sorted(set(page_ids))
    if not ids:
        return
    if len(ids) > settings.PAGE_CACHE_PURGE_MAX_PAGES:
        page_cache_purge_on_commit(reason=reason)
        return
    urls = [page.get_url(None) for page in Page.objects.filter(pk__in=ids)]
    page_cache_purge_on_commit([PurgeTarget(url) for url in urls if url], reason=reason)
