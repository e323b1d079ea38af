"""Rate limits on an atomic store, behind one small contract (issue 15, item 3).

`database` (the default: one row per key and window, see database.py) or `redis` (the
default whenever REDIS_URL is set: INCR + EXPIRE, see redis.py), chosen by
settings.RATE_LIMIT_BACKEND; a dotted path to another RateLimiter class also works.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .base import Limit, RateLimitDecision, RateLimiter, Window, window_almaty_day, window_fixed

__all__ = [
    "Limit",
    "RateLimitDecision",
    "RateLimiter",
    "Window",
    "rate_limit_hit",
    "rate_limiter",
    "rate_limits_prune",
    "window_almaty_day",
    "window_fixed",
]

_limiters: dict[tuple[str, str, str], RateLimiter] = {}
_limiters_lock = threading.Lock()


def _limiter_build(backend: str, url: str, prefix: str) -> RateLimiter:
    from .database import DatabaseRateLimiter

    if backend == "database":
        return DatabaseRateLimiter()
    if backend == "redis":
        from .redis import RedisRateLimiter

        return RedisRateLimiter(url=url, prefix=prefix, fallback=DatabaseRateLimiter())
    return import_string(backend)()


def rate_limiter() -> RateLimiter:
    """The configured store, one per process (a Redis connection pool is reused)."""
    config = (settings.RATE_LIMIT_BACKEND, settings.RATE_LIMIT_REDIS_URL, settings.RATE_LIMIT_REDIS_PREFIX)
    limiter = _limiters.get(config)
    if limiter is None:
        with _limiters_lock:
            limiter = _limiters.get(config) or _limiter_build(*config)
            _limiters[config] = limiter
    return limiter


def rate_limit_hit(*, limits: Sequence[Limit], now: datetime | None = None) -> RateLimitDecision:
    return rate_limiter().hit(limits=limits, now=now or timezone.now())


def rate_limits_prune(*, now: datetime | None = None) -> int:
    return rate_limiter().prune(now=now or timezone.now())
