"""Rate limits counted atomically: the database store, Redis, and Redis down."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from newsdesk.core.models import RateLimitCount
from newsdesk.core.ratelimit import (
    Limit,
    RateLimitDecision,
    rate_limiter,
    rate_limits_prune,
    window_almaty_day,
    window_fixed,
)
from newsdesk.core.ratelimit.database import DatabaseRateLimiter
from newsdesk.core.ratelimit.redis import RedisRateLimiter

NOW = datetime(2026, 11, 29, 6, 0, 10, tzinfo=UTC)  # 11:00:10 in Almaty (UTC+5)
THREADS = 12
HITS_PER_THREAD = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def limits(key: str, *, per_minute: int, per_day: int, now: datetime = NOW) -> list[Limit]:
    return [
        Limit(key=key, limit=per_minute, window=window_fixed(seconds=60, now=now)),
        Limit(key=key, limit=per_day, window=window_almaty_day(now=now)),
    ]


@pytest.fixture
def redis_limiter(require_redis: str) -> Iterator[RedisRateLimiter]:
    prefix = f"test-rl-{uuid.uuid4().hex[:12]}"
    limiter = RedisRateLimiter(url=require_redis, prefix=prefix, fallback=DatabaseRateLimiter())
    yield limiter
    keys = list(limiter.client.scan_iter(match=f"{prefix}:*"))
    if keys:
        limiter.client.delete(*keys)


class TestWindows:
    def test_a_minute_window_ends_on_the_minute(self) -> None:
        window = window_fixed(seconds=60, now=NOW)
        assert window.resets_at == datetime(2026, 11, 29, 6, 1, tzinfo=UTC)
        assert window != window_fixed(seconds=60, now=NOW + timedelta(seconds=50))

    def test_the_day_is_almatys(self) -> None:
        window = window_almaty_day(now=NOW)
        assert window.label == "d:2026-11-29"
        assert window.resets_at == datetime(2026, 11, 29, 19, 0, tzinfo=UTC)  # Almaty midnight

    def test_the_25_hour_day_when_almaty_moved_to_utc_plus_5(self) -> None:
        # 29 February 2024 began at 18:00 UTC on the 28th (UTC+6) and ended at 19:00 UTC (UTC+5).
        window = window_almaty_day(now=datetime(2024, 2, 29, 12, 0, tzinfo=UTC))
        assert window.label == "d:2024-02-29"
        assert window.resets_at == datetime(2024, 2, 29, 19, 0, tzinfo=UTC)


@pytest.mark.django_db
class TestDatabase:
    def test_allowance_then_refusal_until_the_window_ends(self) -> None:
        limiter = DatabaseRateLimiter()
        for _ in range(3):
            assert limiter.hit(limits=limits("r", per_minute=3, per_day=10), now=NOW).allowed
        decision = limiter.hit(limits=limits("r", per_minute=3, per_day=10), now=NOW)
        assert decision == RateLimitDecision(allowed=False, retry_after=50, refused_by="r")
        later = NOW + timedelta(seconds=50)
        assert limiter.hit(limits=limits("r", per_minute=3, per_day=10, now=later), now=later).allowed

    def test_a_refused_hit_does_not_count_against_the_limits_after_it(self) -> None:
        limiter = DatabaseRateLimiter()
        minute = window_fixed(seconds=60, now=NOW)
        chain = [Limit(key="reader", limit=1, window=minute), Limit(key="network", limit=5, window=minute)]
        for _ in range(4):
            limiter.hit(limits=chain, now=NOW)
        assert RateLimitCount.objects.get(key="reader").count == 4
        assert RateLimitCount.objects.get(key="network").count == 1

    def test_finished_windows_are_pruned(self, settings) -> None:
        settings.RATE_LIMIT_BACKEND = "database"
        DatabaseRateLimiter().hit(limits=limits("r", per_minute=3, per_day=10), now=NOW)
        assert RateLimitCount.objects.count() == 2
        assert rate_limits_prune(now=NOW + timedelta(minutes=1)) == 1  # the minute is over
        assert list(RateLimitCount.objects.values_list("window", flat=True)) == ["d:2026-11-29"]
        assert rate_limits_prune(now=NOW + timedelta(days=1)) == 1


@pytest.mark.django_db(transaction=True)
def test_database_counts_are_exact_under_concurrent_hits() -> None:
    """Many threads hitting one key at once: exactly `limit` hits are allowed, none lost."""
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database serialises threads; the PostgreSQL run races them")
    limiter, limit = DatabaseRateLimiter(), 37
    chain = [Limit(key="crowd", limit=limit, window=window_fixed(seconds=60, now=NOW))]
    barrier = threading.Barrier(THREADS)
    allowed: list[bool] = []
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            barrier.wait()
            for _ in range(HITS_PER_THREAD):
                allowed.append(limiter.hit(limits=chain, now=NOW).allowed)
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hammer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert allowed.count(True) == limit
    assert RateLimitCount.objects.get(key="crowd").count == THREADS * HITS_PER_THREAD


@pytest.mark.scale
class TestRedis:
    def test_counts_are_exact_under_concurrent_hits(self, redis_limiter: RedisRateLimiter) -> None:
        limit = 37
        chain = [Limit(key="crowd", limit=limit, window=window_fixed(seconds=60, now=NOW))]
        barrier = threading.Barrier(THREADS)
        allowed: list[bool] = []

        def hammer() -> None:
            barrier.wait()
            for _ in range(HITS_PER_THREAD):
                allowed.append(redis_limiter.hit(limits=chain, now=NOW).allowed)

        threads = [threading.Thread(target=hammer) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert allowed.count(True) == limit
        assert len(allowed) == THREADS * HITS_PER_THREAD
        stored = redis_limiter.client.get(redis_limiter.key(chain[0]))
        assert stored is not None
        assert int(stored) == THREADS * HITS_PER_THREAD

    def test_keys_expire_with_their_window(self, redis_limiter: RedisRateLimiter) -> None:
        now = datetime.now(UTC)
        chain = limits("r", per_minute=3, per_day=10, now=now)
        assert redis_limiter.hit(limits=chain, now=now).allowed
        for limit in chain:
            ttl = redis_limiter.client.ttl(redis_limiter.key(limit))
            assert 0 < ttl - (limit.window.resets_at - now).total_seconds() <= 2

    def test_refusal_and_retry_after(self, redis_limiter: RedisRateLimiter) -> None:
        for _ in range(3):
            assert redis_limiter.hit(limits=limits("r", per_minute=3, per_day=10), now=NOW).allowed
        decision = redis_limiter.hit(limits=limits("r", per_minute=3, per_day=10), now=NOW)
        assert decision == RateLimitDecision(allowed=False, retry_after=50, refused_by="r")

    @pytest.mark.django_db
    def test_the_configured_store_is_redis_when_redis_url_is_set(self, settings, require_redis) -> None:
        settings.RATE_LIMIT_BACKEND = "redis"
        assert isinstance(rate_limiter(), RedisRateLimiter)
        settings.RATE_LIMIT_BACKEND = "database"
        assert isinstance(rate_limiter(), DatabaseRateLimiter)


@pytest.mark.django_db
class TestRedisDown:
    """Redis down means the database counts: reports are still taken, and still limited."""

    def test_the_database_counts_while_redis_is_unreachable(self) -> None:
        down = RedisRateLimiter(
            url=f"redis://127.0.0.1:{free_port()}/0", prefix="down", fallback=DatabaseRateLimiter()
        )
        chain = limits("r", per_minute=2, per_day=10)
        assert down.hit(limits=chain, now=NOW) == RateLimitDecision(allowed=True, degraded=True)
        assert down.hit(limits=chain, now=NOW).allowed
        refused = down.hit(limits=chain, now=NOW)
        assert (refused.allowed, refused.retry_after, refused.degraded) == (False, 50, True)
        assert RateLimitCount.objects.get(key="r", window=chain[0].window.label).count == 3
