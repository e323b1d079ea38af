"""Rate-limit counters in the database: the embedded default, and Redis's fallback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from newsdesk.core.models import RateLimitCount

from .base import Limit, RateLimitDecision, refused


class DatabaseRateLimiter:
    """One row per (key, window), incremented by `UPDATE ... SET count = count + 1`.

    The update and the read of the new count share a transaction, and the update holds the
    row's lock until it commits (PostgreSQL) or the whole write transaction is serialised
    (SQLite, IMMEDIATE mode): two hits can never both read the same count. The first hit of
    a window inserts the row; a concurrent first hit loses on the unique (key, window)
    constraint and increments the winner's row instead.
    """

    def hit(self, *, limits: Sequence[Limit], now: datetime) -> RateLimitDecision:
        with transaction.atomic():
            for limit in limits:
                if self._count(limit=limit) > limit.limit:
                    return refused(limit=limit, now=now)
        return RateLimitDecision(allowed=True)

    def _count(self, *, limit: Limit) -> int:
        rows = RateLimitCount.objects.filter(key=limit.key, window=limit.window.label)
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimitCount.objects.create(
                        key=limit.key, window=limit.window.label, count=1, expires_at=limit.window.resets_at
                    )
                return 1
            except IntegrityError:
                rows.update(count=F("count") + 1)
        return rows.values_list("count", flat=True).get()

    def prune(self, *, now: datetime) -> int:
        deleted, _ = RateLimitCount.objects.filter(expires_at__lte=now).delete()
        return deleted
