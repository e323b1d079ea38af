"""Rate-limit counters in Redis: INCR and EXPIRE in one Lua script, so one round trip."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from datetime import datetime

import redis
from redis.exceptions import RedisError

from .base import Limit, RateLimitDecision, RateLimiter, refused

logger = logging.getLogger(__name__)

# KEYS: one counter per limit, in order. ARGV: allowance and time to live (seconds) of each:
# relative, so that the app's clock and Redis's need not agree. Returns the 1-based index of
# the first limit over its allowance, 0 if none is.
HIT_SCRIPT = """
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[2 * i]) end
  if count > tonumber(ARGV[2 * i - 1]) then return i end
end
return 0
"""


class RedisRateLimiter:
    """Atomic counters in Redis; when Redis cannot be reached, `fallback` counts instead.

    After a failure Redis is left alone for RETRY_AFTER_SECONDS, so that a dead server costs
    one connect timeout every few seconds rather than one per request. Keys expire with their
    window, so `prune` has nothing to do.
    """

    RETRY_AFTER_SECONDS = 5.0

    def __init__(self, *, url: str, prefix: str, fallback: RateLimiter, socket_timeout: float = 0.5) -> None:
        self.prefix = prefix
        self.fallback = fallback
        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=socket_timeout, socket_timeout=socket_timeout
        )
        self.script = self.client.register_script(HIT_SCRIPT)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def key(self, limit: Limit) -> str:
        return f"{self.prefix}:{limit.key}:{limit.window.label}"

    def hit(self, *, limits: Sequence[Limit], now: datetime) -> RateLimitDecision:
        if time.monotonic() >= self._down_until:
            args: list[int] = []
            for limit in limits:
                ttl = math.ceil((limit.window.resets_at - now).total_seconds()) + 1
                args += [limit.limit, max(1, ttl)]
            try:
                index = int(self.script(keys=[self.key(limit) for limit in limits], args=args))
            except (RedisError, OSError):
                logger.warning("rate limits: Redis unreachable, counting in the fallback", exc_info=True)
                with self._lock:
                    self._down_until = time.monotonic() + self.RETRY_AFTER_SECONDS
            else:
                return refused(limit=limits[index - 1], now=now) if index else RateLimitDecision(allowed=True)
        decision = self.fallback.hit(limits=limits, now=now)
        return RateLimitDecision(
            allowed=decision.allowed,
            retry_after=decision.retry_after,
            refused_by=decision.refused_by,
            degraded=True,
        )

    def prune(self, *, now: datetime) -> int:
        return self.fallback.prune(now=now)
