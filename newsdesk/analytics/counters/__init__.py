"""Where views are counted: the database (default) or Redis (scale path), behind one contract.

Laid out like Wagtail's `contrib/frontend_cache/backends/`: `base` (the ViewCounter protocol
and its types), `database`, `redis` (its Lua scripts in `redis_lua`), and `group_commit`
(shared by both). Both backends end in the same tables (ArticleDailyViews, ArticleViewTotal).
This module picks the configured one and re-exports the public names.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ArticleRef, FlushTally, Outcome, ViewCounter
from .database import DatabaseCounter, ViewRecord, counts_apply, database_totals
from .group_commit import GroupCommit
from .redis import REDIS_ERRORS, RedisCounter

__all__ = [
    "BACKENDS",
    "REDIS_ERRORS",
    "ArticleRef",
    "DatabaseCounter",
    "FlushTally",
    "GroupCommit",
    "Outcome",
    "RedisCounter",
    "ViewCounter",
    "ViewRecord",
    "counter_build",
    "counter_get",
    "counts_apply",
    "database_totals",
]

BACKENDS = {
    "database": "newsdesk.analytics.counters.database.DatabaseCounter",
    "redis": "newsdesk.analytics.counters.redis.RedisCounter",
}


def counter_build(name: str) -> ViewCounter:
    """The counter called `name` ("database", "redis" or a dotted path), from settings."""
    common: dict[str, Any] = {
        "repeat_seconds": settings.ANALYTICS_REPEAT_VIEW_SECONDS,
        "reader_max_views": settings.ANALYTICS_READER_MAX_VIEWS,
        "burst_readers": settings.ANALYTICS_NETWORK_BURST_READERS,
        "burst_seconds": settings.ANALYTICS_NETWORK_BURST_SECONDS,
    }
    cls = import_string(BACKENDS.get(name, name))
    if cls is RedisCounter:
        return RedisCounter(
            url=settings.ANALYTICS_REDIS_URL,
            prefix=settings.ANALYTICS_REDIS_KEY_PREFIX,
            fallback=DatabaseCounter(**common),
            **common,
        )
    return cls(**common)


@lru_cache(maxsize=1)
def counter_get() -> ViewCounter:
    """The configured counter, one per process (reset when tests change ANALYTICS_* settings)."""
    return counter_build(settings.ANALYTICS_VIEW_COUNTER)
