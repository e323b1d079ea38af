"""The Redis counter (scale path): atomic Lua increments, flushed into the database tables.

The flush follows shared/PITFALLS.md item 4: rename the pending hash to a batch, apply the
batch and record its id in one database transaction, then delete the batch. Each step is
its own method so that the tests can kill the flusher between any two of them.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast

from newsdesk.articles.models import ArticlePage
from newsdesk.core.readers import Reader

from ..models import ArticleViewTotal, FlushedBatch
from .base import ArticleRef, FlushTally, Outcome, ViewCounter, burst_window_start
from .database import BurstFlags, burst_flags_apply, counts_apply, database_totals, write_lock
from .group_commit import GroupCommit
from .redis_lua import BASE_SET_LUA, CLAIM_LUA, COUNTS_LUA, FORGET_LUA, RECORD_LUA

logger = logging.getLogger(__name__)

REDIS_ERRORS: tuple[type[Exception], ...]
try:
    import redis
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover - redis is a dependency
    REDIS_ERRORS = (OSError,)
    RedisConnectionError = ConnectionError  # type: ignore[misc,assignment]


class RedisNotReached(RedisConnectionError):
    """No connection to Redis could be had: nothing of this call was sent, so counting the
    view elsewhere cannot count it twice (docs/operations-faults.md)."""


@dataclass
class _Batch:
    daily: dict[tuple[int, int, date], int] = field(default_factory=dict)
    totals: dict[int, int] = field(default_factory=dict)
    flags: BurstFlags = field(default_factory=dict)


def _batch_parse(fields: dict[bytes, bytes]) -> _Batch:
    batch = _Batch()
    daily: dict[tuple[int, int, date], int] = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    flags: BurstFlags = defaultdict(int)
    for raw_key, raw_value in fields.items():
        key, value = raw_key.decode(), int(raw_value)
        kind, _, rest = key.partition(":")
        if kind == "t":
            totals[int(rest)] += value
        elif kind == "d":
            article_id, edition_id, day = rest.split(":")
            daily[(int(article_id), int(edition_id), date.fromisoformat(day))] += value
        elif kind == "b":
            article_id, edition_id, network, day = rest.split(":")
            flags[(int(article_id), int(edition_id), network, date.fromisoformat(day))] += value
    batch.daily, batch.totals, batch.flags = dict(daily), dict(totals), dict(flags)
    return batch


@dataclass
class _Snapshot:
    """One atomic read of Redis for some articles."""

    generation: str
    pending: dict[int, int]
    bases: dict[int, int | None]
    in_flight: dict[str, dict[int, int]]


class RedisCounter:
    """Atomic Redis increments, flushed into the database tables by the scheduler.

    When Redis cannot be reached a view is counted by the database instead (and Redis is
    left alone for a few seconds rather than making every beacon wait for a timeout). The
    counts shown then come from the database too; views counted there reach the numbers
    Redis shows when the cached bases expire (BASE_SECONDS).
    """

    RETRY_AFTER_SECONDS = 5.0
    BASE_SECONDS = 300

    def __init__(
        self,
        *,
        url: str,
        prefix: str,
        repeat_seconds: int,
        reader_max_views: int,
        fallback: ViewCounter,
        burst_readers: int = 0,
        burst_seconds: int = 60,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.repeat_seconds = repeat_seconds
        self.reader_max_views = reader_max_views
        self.burst_readers = burst_readers
        self.burst_seconds = burst_seconds
        self.fallback = fallback
        self.pending_key = f"{prefix}:pending"
        self.batches_key = f"{prefix}:batches"
        self.batch_prefix = f"{prefix}:batch:"
        self.base_prefix = f"{prefix}:base:"
        self.generation_key = f"{prefix}:generation"
        self._client: Any = None
        self._client_pid = 0
        self._down_until = 0.0
        self._lock = threading.Lock()
        # Concurrent beacons of one process share a round trip to Redis.
        self._group: GroupCommit[tuple[object, ...], Any] = GroupCommit(self._record_many, retry_each=False)

    # Connection -------------------------------------------------------------------------

    def client(self) -> Any:
        # A client (and its sockets) must not cross a fork into gunicorn's workers.
        if self._client is None or self._client_pid != os.getpid():
            with self._lock:
                if self._client is None or self._client_pid != os.getpid():
                    client = redis.Redis.from_url(
                        self.url, socket_connect_timeout=0.25, socket_timeout=1.0, health_check_interval=30
                    )
                    self._record_script = client.register_script(RECORD_LUA)
                    self._counts_script = client.register_script(COUNTS_LUA)
                    self._base_set_script = client.register_script(BASE_SET_LUA)
                    self._claim_script = client.register_script(CLAIM_LUA)
                    self._forget_script = client.register_script(FORGET_LUA)
                    self._client, self._client_pid = client, os.getpid()
        return self._client

    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _mark_down(self, exc: Exception) -> None:
        self._down_until = time.monotonic() + self.RETRY_AFTER_SECONDS
        logger.warning("Redis view counter unreachable (%s); counting in the database", exc)

    # Counting ---------------------------------------------------------------------------

    def record(self, *, article: ArticleRef, reader: Reader, now: datetime) -> tuple[Outcome, int]:
        """Count in Redis; in the database only when Redis certainly did nothing.

        Redis that cannot be connected to has not seen the view: the database counts it.
        Redis that fails after the script was sent (killed, or hung past the timeout, and
        still able to run it later) may have counted it: the view is answered UNCONFIRMED
        and counted nowhere else, because the database counting it too could count it twice
        (PITFALLS 4). A failure after the reply only changes where the number shown comes from.
        """
        if not self.available():
            return self.fallback.record(article=article, reader=reader, now=now)
        try:
            reply = self._group.submit(self._record_call(article, reader, now))
        except RedisNotReached as exc:
            self._mark_down(exc)
            return self.fallback.record(article=article, reader=reader, now=now)
        except REDIS_ERRORS as exc:
            self._mark_down(exc)
            return Outcome.UNCONFIRMED, self.fallback.counts(article_ids=[article.id])[article.id]
        if isinstance(reply, Exception):
            raise reply
        outcome = Outcome(reply[0].decode())
        try:
            shown = self._shown([article.id], self._snapshot(reply, [article.id]))
            if shown is None:
                shown = self._counts_from_redis([article.id])
        except REDIS_ERRORS as exc:
            self._mark_down(exc)
            shown = self.fallback.counts(article_ids=[article.id])
        return outcome, shown[article.id]

    def _record_call(self, article: ArticleRef, reader: Reader, now: datetime) -> tuple[object, ...]:
        """The record script's keys and arguments for one beacon (see RECORD_LUA)."""
        window = burst_window_start(now, self.burst_seconds)
        keys = (
            f"{self.prefix}:seen:{reader.hash}:{article.id}",
            f"{self.prefix}:rate:{reader.hash}",
            self.pending_key,
            self.batches_key,
            self.generation_key,
            f"{self.prefix}:burst:{reader.network}:{article.id}:{window}",
        )
        args = (
            self.repeat_seconds,
            self.reader_max_views,
            f"d:{article.id}:{article.edition_id}:{reader.day.isoformat()}",
            f"t:{article.id}",
            self.batch_prefix,
            self.base_prefix,
            article.id,
            self.burst_readers if reader.network else 0,
            # Kept a little past the window's end; a new window has a new key.
            self.burst_seconds * 2,
            f"b:{article.id}:{article.edition_id}:{reader.network}:{reader.day.isoformat()}",
        )
        return (len(keys), *keys, *args)

    def _record_many(self, calls: list[tuple[object, ...]]) -> list[Any]:
        """The record script for concurrent beacons of this process in one round trip.

        A pipeline without MULTI: each script call is atomic on its own. Replies are returned
        in order; a call's own error comes back as its reply. Calls that found the script
        missing (Redis restarted) did nothing; they are sent again once it is loaded.
        """
        client = self.client()

        def send(batch: list[tuple[object, ...]]) -> list[Any]:
            # The connection is taken (connected, checked) before anything is sent, so a
            # failure to get one is told apart from a failure after sending (RedisNotReached).
            try:
                conn = client.connection_pool.get_connection()
            except REDIS_ERRORS as exc:
                raise RedisNotReached(str(exc)) from exc
            if len(batch) == 1:  # no pipeline to set up for a lone beacon
                try:
                    conn.send_command("EVALSHA", self._record_script.sha, *batch[0])
                    return [client.parse_response(conn, "EVALSHA")]
                except redis.exceptions.ResponseError as error:
                    return [error]
                except BaseException:
                    conn.disconnect()  # a half-read reply must not go back to the pool
                    raise
                finally:
                    client.connection_pool.release(conn)
            pipe = client.pipeline(transaction=False)
            pipe.connection = conn  # released by the pipeline's reset(), as its own would be
            for call in batch:
                pipe.execute_command("EVALSHA", self._record_script.sha, *call)
            return pipe.execute(raise_on_error=False)

        replies = send(calls)
        missing = [i for i, reply in enumerate(replies) if isinstance(reply, redis.exceptions.NoScriptError)]
        if missing:
            try:
                client.script_load(RECORD_LUA)
                resent = send([calls[i] for i in missing])
            except RedisNotReached as exc:
                if len(missing) < len(calls):  # the others ran: not "nothing was sent" for them
                    raise RedisConnectionError(str(exc)) from exc
                raise
            for i, reply in zip(missing, resent, strict=True):
                replies[i] = reply
        return replies

    def counts(self, *, article_ids: Sequence[int]) -> dict[int, int]:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        if not self.available():
            return self.fallback.counts(article_ids=ids)
        try:
            return self._counts_from_redis(ids)
        except REDIS_ERRORS as exc:
            self._mark_down(exc)
            return self.fallback.counts(article_ids=ids)

    def _counts_from_redis(self, ids: list[int]) -> dict[int, int]:
        self.client()
        for _ in range(5):
            snapshot = self._snapshot(
                self._counts_script(
                    keys=[self.pending_key, self.batches_key, self.generation_key],
                    args=[self.batch_prefix, self.base_prefix, *ids],
                ),
                ids,
            )
            shown = self._shown(ids, snapshot)
            if shown is not None:
                return shown
        # Flushes kept moving under us: answer from the database, caching nothing.
        totals, applied = self._totals_and_applied(ids, list(snapshot.in_flight))
        return {
            a: totals.get(a, 0)
            + snapshot.pending[a]
            + sum(values[a] for batch, values in snapshot.in_flight.items() if batch not in applied)
            for a in ids
        }

    @staticmethod
    def _snapshot(reply: list, ids: list[int]) -> _Snapshot:
        n = len(ids)
        pending = {a: int(reply[2 + i]) for i, a in enumerate(ids)}
        bases = {a: (int(reply[2 + n + i]) if reply[2 + n + i] else None) for i, a in enumerate(ids)}
        in_flight: dict[str, dict[int, int]] = {}
        for start in range(2 + 2 * n, len(reply), n + 1):
            in_flight[reply[start].decode()] = {a: int(reply[start + 1 + i]) for i, a in enumerate(ids)}
        return _Snapshot(generation=reply[1].decode(), pending=pending, bases=bases, in_flight=in_flight)

    def _shown(self, ids: list[int], snapshot: _Snapshot) -> dict[int, int] | None:
        """Counted views per article from one snapshot; None if a missing base could not be
        cached because a flush moved on meanwhile (the caller reads again)."""
        bases = dict(snapshot.bases)
        missing = [a for a in ids if bases[a] is None]
        if missing:
            totals, applied = self._totals_and_applied(missing, list(snapshot.in_flight))
            loaded = {
                a: totals.get(a, 0) - sum(snapshot.in_flight[batch][a] for batch in applied) for a in missing
            }
            pairs = [value for a in missing for value in (a, loaded[a])]
            if not self._base_set_script(
                keys=[self.generation_key],
                args=[snapshot.generation, self.BASE_SECONDS, self.base_prefix, *pairs],
            ):
                return None
            bases.update(loaded)
        return {
            a: (bases[a] or 0)
            + snapshot.pending[a]
            + sum(values[a] for values in snapshot.in_flight.values())
            for a in ids
        }

    def _totals_and_applied(self, ids: list[int], batch_ids: list[str]) -> tuple[dict[int, int], set[str]]:
        """Totals and which in-flight batches they already include, in one statement (so one
        snapshot: a flush committing between two queries would otherwise count twice)."""
        if not batch_ids:
            return database_totals(article_ids=ids), set()
        rows = (
            ArticleViewTotal.objects.filter(article_id__in=ids)
            .annotate(kind=Value("t"), key=Cast("article_id", CharField()))
            .values_list("kind", "key", "views")
            .union(
                FlushedBatch.objects.filter(batch_id__in=batch_ids)
                .annotate(kind=Value("b"), key=Cast("batch_id", CharField()))
                .values_list("kind", "key", "views"),
                all=True,
            )
        )
        totals: dict[int, int] = {}
        applied: set[str] = set()
        for kind, key, views in rows:
            if kind == "t":
                totals[int(key)] = views
            else:
                applied.add(key)
        return totals, applied

    # Flushing ---------------------------------------------------------------------------

    def batch_claim(self) -> str | None:
        """Step 1: rename the pending counts to a new batch (atomic with listing it)."""
        batch_id = uuid.uuid4().hex
        self.client()
        claimed = self._claim_script(
            keys=[self.pending_key, self.batches_key, self.batch_prefix + batch_id, self.generation_key],
            args=[batch_id],
        )
        return batch_id if claimed else None

    def batches_in_flight(self) -> list[str]:
        return sorted(member.decode() for member in self.client().smembers(self.batches_key))

    def batch_apply(self, batch_id: str, *, tally: FlushTally | None = None) -> int:
        """Step 2: add the batch to the database and record its id, in one transaction.

        Returns the views applied; 0 when the batch had been applied already (by a flusher
        killed before step 3, or by another flusher at the same time).
        """
        tally = tally if tally is not None else FlushTally()
        batch = _batch_parse(self.client().hgetall(self.batch_prefix + batch_id))
        try:
            with write_lock(), transaction.atomic():
                # First, so that a second flusher of the same batch waits on the unique index
                # and then fails, instead of adding the counts again.
                record = FlushedBatch.objects.create(batch_id=batch_id)
                mentioned = {*batch.totals, *(key[0] for key in batch.flags)}
                existing = set(ArticlePage.objects.filter(pk__in=mentioned).values_list("pk", flat=True))
                daily = {key: v for key, v in batch.daily.items() if key[0] in existing}
                totals = {key: v for key, v in batch.totals.items() if key in existing}
                counts_apply(daily=daily, totals=totals)
                burst_flags_apply(flags={key: v for key, v in batch.flags.items() if key[0] in existing})
                record.views = sum(totals.values())
                record.save(update_fields=["views"])
        except IntegrityError:
            if FlushedBatch.objects.filter(batch_id=batch_id).exists():
                tally.skipped += 1
                return 0
            raise
        tally.batches += 1
        tally.views += record.views
        tally.dropped += sum(batch.totals.values()) - record.views
        return record.views

    def batch_forget(self, batch_id: str) -> None:
        """Step 3: add the applied batch to the cached bases, delete and unlist it (atomic)."""
        self.client()
        self._forget_script(
            keys=[self.batch_prefix + batch_id, self.batches_key, self.generation_key],
            args=[batch_id, self.base_prefix],
        )

    def flush(self) -> FlushTally:
        tally = FlushTally()
        try:
            # Batches left by a flusher killed mid-way first: applying is idempotent.
            for batch_id in self.batches_in_flight():
                tally.recovered += 1
                self.batch_apply(batch_id, tally=tally)
                self.batch_forget(batch_id)
            claimed = self.batch_claim()
            if claimed is not None:
                self.batch_apply(claimed, tally=tally)
                self.batch_forget(claimed)
        except REDIS_ERRORS as exc:
            logger.warning("Redis view counter unreachable, nothing flushed: %s", exc)
        return tally
