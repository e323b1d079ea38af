"""Purging what readers see, once the change behind it has committed (issue 15, part 1).

Work done in a signal runs inside the caller's transaction (Wagtail's delete view is one
transaction): a purge done there can be undone, or another request can fill the cache again
before the commit it depends on (shared/PITFALLS.md, 14). So purges wait for the commit, and
many changes in one transaction (a section deleted with its articles) purge once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.core.cache import caches
from django.db import transaction

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
    """Drop every cached public page, e.g. after a publish, so readers see it at once.

    On Redis only the keys of the "pages" alias go (never counters or other values that
    share the server); elsewhere the alias has its own storage and is cleared.
    """
    cache = caches["pages"]
    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is not None:
        delete_pattern("*")
    else:
        cache.clear()


def _purge(_reasons: list[str]) -> None:
    page_cache_purge()


def page_cache_purge_on_commit(*, reason: str = "changed") -> None:
    """Purge the cached pages once the current transaction commits (at once outside one)."""
    on_commit_batched(_purge, reason)
