"""Where views are counted: the database (default) or Redis (scale path), behind one contract.

Both backends end in the same tables (ArticleDailyViews, ArticleViewTotal). The Redis one
keeps counts in a pending hash and `RedisCounter.flush` moves them into the database by the
protocol of shared/PITFALLS.md item 4: rename the pending hash to a batch, apply the batch
and record its id in one database transaction, then delete the batch. Each step is its own
method so that the tests can kill the flusher between any two of them.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, Generic, Protocol, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast
from django.utils.module_loading import import_string

from newsdesk.articles.models import ArticlePage

from .models import ArticleDailyViews, ArticleViewTotal, FlushedBatch, ReaderSeen
from .readers import Reader

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    COUNTED = "counted"
    REPEAT = "repeat"  # the same reader within ANALYTICS_REPEAT_VIEW_SECONDS
    RATE_LIMITED = "rate_limited"  # the reader used up ANALYTICS_READER_MAX_VIEWS


@dataclass(frozen=True)
class ArticleRef:
    """What counting needs to know about a live article."""

    id: int
    edition_id: int


@dataclass
class FlushTally:
    batches: int = 0
    views: int = 0
    recovered: int = 0  # batches left behind by a flusher that was killed
    skipped: int = 0  # batches found already applied (killed after the commit)
    dropped: int = 0  # views of articles deleted before their batch was applied

    def __str__(self) -> str:
        return (
            f"{self.batches} batches, {self.views} views applied, {self.recovered} recovered, "
            f"{self.skipped} already applied, {self.dropped} dropped (deleted articles)"
        )


class ViewCounter(Protocol):
    def record(self, *, article: ArticleRef, reader: Reader, now: datetime) -> tuple[Outcome, int]:
        """Count a reader's view unless it is a repeat or over the cap; return the outcome
        and the article's counted views afterwards (without its initial count)."""
        ...

    def counts(self, *, article_ids: Sequence[int]) -> dict[int, int]:
        """Counted views of each article, including any not yet in the database."""
        ...

    def flush(self) -> FlushTally:
        """Move buffered counts into the database (nothing to do for the database)."""
        ...


# --- Database --------------------------------------------------------------------------

# Plain SQL upserts, atomic on SQLite (>= 3.35) and PostgreSQL alike: the ORM's
# update_or_create reads then writes, and bulk_create(update_conflicts=True) can only
# overwrite a count, not add to it. Each takes many rows at once (VALUES {rows}), so a batch
# of beacons costs a handful of statements whatever its size. The beacon is the hottest path
# of the site, and building ORM queries there costs more than running them.
_SEEN = ReaderSeen._meta.db_table
_DAILY = ArticleDailyViews._meta.db_table
_TOTAL = ArticleViewTotal._meta.db_table
SEEN_UPSERT = (
    f"INSERT INTO {_SEEN} (reader, article_id, expires_at) VALUES {{rows}} "
    f"ON CONFLICT (reader, article_id) DO UPDATE SET expires_at = excluded.expires_at "
    f"WHERE {_SEEN}.expires_at <= %s RETURNING reader, article_id"
)
DAILY_UPSERT = (
    f"INSERT INTO {_DAILY} (article_id, edition_id, day, views) VALUES {{rows}} "
    f"ON CONFLICT (article_id, day) DO UPDATE SET views = {_DAILY}.views + excluded.views"
)
TOTAL_UPSERT = (
    f"INSERT INTO {_TOTAL} (article_id, views) VALUES {{rows}} "
    f"ON CONFLICT (article_id) DO UPDATE SET views = {_TOTAL}.views + excluded.views "
    f"RETURNING article_id, views"
)
SEEN_RECENT = (
    f"SELECT reader, COUNT(*) FROM {_SEEN} WHERE reader IN ({{readers}}) AND expires_at > %s GROUP BY reader"
)
TOTALS_GET = f"SELECT article_id, views FROM {_TOTAL} WHERE article_id IN ({{ids}})"
ROWS_PER_STATEMENT = 200


def _rows(template: str, rows: list[tuple]) -> tuple[str, list[object]]:
    """A multi-row VALUES statement and its flat parameters."""
    placeholders = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    return template.format(rows=", ".join([placeholders] * len(rows))), [
        value for row in rows for value in row
    ]


class _SqliteWriteLock:
    """One counting writer at a time on a SQLite file, queued in the kernel.

    SQLite admits one writer and makes the others sleep and poll (1, 2, 5 ... 100 ms);
    under a stream of beacons from several gunicorn processes a waiter keeps losing the
    race and latency climbs to seconds. Threads queue on a lock, processes on flock() of a
    file next to the database, so each transaction starts when the previous one ends.
    """

    def __init__(self) -> None:
        # Re-entrant: the group commit holds it while it gathers a batch, and the
        # transaction that writes the batch takes it again.
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._fd_pid = 0

    def _file(self) -> int | None:
        if not _sqlite_file():
            return None
        name = str(connection.settings_dict["NAME"])
        if self._fd is None or self._fd_pid != os.getpid():
            self._fd = os.open(f"{name}.counting-lock", os.O_CREAT | os.O_RDWR, 0o600)
            self._fd_pid = os.getpid()
        return self._fd

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        if self._depth == 0:
            try:
                fd = self._file()
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                self._thread_lock.release()
                raise
        self._depth += 1

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None and self._fd_pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


_sqlite_write_lock = _SqliteWriteLock()


def _write_lock() -> Any:
    return _sqlite_write_lock if connection.vendor == "sqlite" else contextlib.nullcontext()


Run = Callable[[str, Sequence[object]], list[tuple]]


def _django_run(sql: str, params: Sequence[object]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@lru_cache(maxsize=64)
def _qmark(sql: str) -> str:
    """Our statements with sqlite3's placeholders (they contain no other "%")."""
    return sql.replace("%s", "?")


@contextlib.contextmanager
def _counting_transaction() -> Iterator[Run]:
    """A write transaction, and `run(sql, params) -> rows` for the statements in it.

    On SQLite outside any atomic block (a web request), the statements go straight to the
    sqlite3 connection between BEGIN IMMEDIATE and COMMIT: for these four tiny statements
    Django's cursor wrapper, placeholder rewriting and atomic() bookkeeping cost more than
    SQLite itself. wrap_database_errors turns sqlite3's errors into Django's (an article
    deleted meanwhile fails the COMMIT with IntegrityError). Elsewhere (PostgreSQL, or inside
    the caller's transaction) it is an ordinary atomic block.
    """
    with _write_lock():
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            with transaction.atomic():
                yield _django_run
            return
        connection.ensure_connection()
        raw = connection.connection
        with connection.wrap_database_errors:
            raw.execute("BEGIN IMMEDIATE")
            try:
                yield lambda sql, params: raw.execute(_qmark(sql), params).fetchall()
                raw.execute("COMMIT")
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise


def counts_apply(
    *, daily: dict[tuple[int, int, date], int], totals: dict[int, int], run: Run = _django_run
) -> dict[int, int]:
    """Add counts to the daily rows and totals (inside the caller's transaction); return the
    new totals of the articles counted."""
    ops = connection.ops
    daily_rows = [
        (article_id, edition_id, ops.adapt_datefield_value(day), views)
        for (article_id, edition_id, day), views in sorted(daily.items())
    ]
    total_rows = sorted(totals.items())
    for start in range(0, len(daily_rows), ROWS_PER_STATEMENT):
        run(*_rows(DAILY_UPSERT, daily_rows[start : start + ROWS_PER_STATEMENT]))
    new_totals: dict[int, int] = {}
    for start in range(0, len(total_rows), ROWS_PER_STATEMENT):
        new_totals.update(run(*_rows(TOTAL_UPSERT, total_rows[start : start + ROWS_PER_STATEMENT])))
    return new_totals


def database_totals(*, article_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        ArticleViewTotal.objects.filter(article_id__in=list(article_ids)).values_list("article_id", "views")
    )


ViewRecord = tuple[ArticleRef, Reader, datetime]


Item = TypeVar("Item")
Result = TypeVar("Result")


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False)
class _Waiting(Generic[Item, Result]):
    record: Item
    # Released once: when its batch is written, or when it is handed the writer's role. A
    # held lock is the cheapest one-shot signal (an Event is a Condition and two locks).
    wake: threading.Lock = field(default_factory=_held_lock)
    done: bool = False
    result: Result | None = None
    error: BaseException | None = None


class GroupCommit(Generic[Item, Result]):
    """Counts of one process written a batch per transaction (group commit).

    On a SQLite file every writer takes the same lock; with one transaction per beacon the
    web threads spend their time handing that lock (and the GIL) to each other. Here one
    thread at a time is the writer: once it holds the write lock (other processes may be
    writing), it takes everything queued so far and writes it in one transaction, its own
    record included. When it is done it wakes the threads of that batch and hands the
    writer's role to the first thread still queued, so every waiting thread is woken once.
    An uncontended beacon writes itself, with no hand-over at all. A beacon is answered only
    after the transaction holding its record has committed.

    The Redis counter uses it too: there a batch is one pipelined round trip.
    """

    MAX_BATCH = 500

    def __init__(
        self,
        apply: Callable[[list[Item]], list[Result]],
        lock: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext,
        *,
        retry_each: bool = True,
    ) -> None:
        self._apply = apply
        self._lock = lock
        self._retry_each = retry_each
        self._mutex = threading.Lock()
        self._queue: list[_Waiting[Item, Result]] = []
        self._writing = False

    def submit(self, record: Item) -> Result:
        waiting: _Waiting[Item, Result] = _Waiting(record)
        with self._mutex:
            self._queue.append(waiting)
            writer = not self._writing
            self._writing = True
        if not writer:
            waiting.wake.acquire()  # until its batch is written, or it is handed the writer's role
            writer = not waiting.done
        if writer:
            try:
                # Its own record may be queued behind MAX_BATCH others: then it writes again.
                while not waiting.done:
                    with self._lock():
                        with self._mutex:
                            batch, self._queue = self._queue[: self.MAX_BATCH], self._queue[self.MAX_BATCH :]
                        self.write(batch)
            finally:
                with self._mutex:
                    if not waiting.done and waiting in self._queue:
                        self._queue.remove(waiting)  # the lock failed: nobody will write it
                    if self._queue:
                        self._queue[0].wake.release()  # the next writer
                    else:
                        self._writing = False
        if waiting.error is not None:
            raise waiting.error
        assert waiting.result is not None
        return waiting.result

    def write(self, batch: list[_Waiting[Item, Result]]) -> None:
        try:
            for waiting, result in zip(batch, self._apply([w.record for w in batch]), strict=True):
                waiting.result = result
        except Exception as batch_error:
            # One bad record (an article deleted meanwhile) must not fail the others; where
            # the failure is the connection's (retry_each=False), it is every record's.
            for waiting in batch:
                try:
                    if not self._retry_each:
                        raise batch_error
                    waiting.result = self._apply([waiting.record])[0]
                except Exception as exc:
                    waiting.error = exc
        finally:
            for waiting in batch:
                waiting.done = True
                waiting.wake.release()


def _sqlite_file() -> bool:
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and not (
        name == ":memory:" or name.startswith("file:") or "mode=memory" in name
    )


class DatabaseCounter:
    """Counts straight into the database: the embedded default, and Redis's fallback."""

    def __init__(self, *, repeat_seconds: int, reader_max_views: int) -> None:
        self.repeat = timedelta(seconds=repeat_seconds)
        self.reader_max_views = reader_max_views
        self._group: GroupCommit[ViewRecord, tuple[Outcome, int]] = GroupCommit(
            self.record_many, lock=_write_lock
        )

    def record(self, *, article: ArticleRef, reader: Reader, now: datetime) -> tuple[Outcome, int]:
        if _sqlite_file():
            return self._group.submit((article, reader, now))
        # PostgreSQL locks rows, not the database: concurrent transactions are fine.
        return self.record_many([(article, reader, now)])[0]

    def record_many(self, records: list[ViewRecord]) -> list[tuple[Outcome, int]]:
        """Decide and count records in order, in one transaction of four statements.

        A reader's views are capped at `reader_max_views` live "seen" rows; a record whose
        (reader, article) is seen and not expired is a repeat.
        """
        if not records:
            return []
        ops = connection.ops
        moment = ops.adapt_datetimefield_value(max(now for _, _, now in records))
        outcomes: list[Outcome] = [Outcome.REPEAT] * len(records)
        with _counting_transaction() as run:
            readers = sorted({reader.hash for _, reader, _ in records})
            used = dict(run(SEEN_RECENT.format(readers=", ".join(["%s"] * len(readers))), [*readers, moment]))
            candidates: dict[tuple[str, int], int] = {}  # (reader, article) -> first record
            for index, (article, reader, _) in enumerate(records):
                key = (reader.hash, article.id)
                if key in candidates:
                    continue  # the same reader twice in one batch: a repeat
                if used.get(reader.hash, 0) >= self.reader_max_views:
                    outcomes[index] = Outcome.RATE_LIMITED
                    continue
                used[reader.hash] = used.get(reader.hash, 0) + 1
                candidates[key] = index
            counted: set[tuple[str, int]] = set()
            keys = list(candidates)
            for start in range(0, len(keys), ROWS_PER_STATEMENT):
                chunk = keys[start : start + ROWS_PER_STATEMENT]
                rows = [
                    (
                        reader,
                        article_id,
                        ops.adapt_datetimefield_value(
                            records[candidates[(reader, article_id)]][2] + self.repeat
                        ),
                    )
                    for reader, article_id in chunk
                ]
                sql, params = _rows(SEEN_UPSERT, rows)
                counted.update(
                    (reader, int(article_id)) for reader, article_id in run(sql, [*params, moment])
                )
            daily: dict[tuple[int, int, date], int] = defaultdict(int)
            totals: dict[int, int] = defaultdict(int)
            for key in counted:
                index = candidates[key]
                article, reader, _ = records[index]
                outcomes[index] = Outcome.COUNTED
                daily[(article.id, article.edition_id, reader.day)] += 1
                totals[article.id] += 1
            # The totals' upsert returns the new totals; only articles nobody counted now
            # need reading.
            now_totals = counts_apply(daily=daily, totals=totals, run=run)
            unread = sorted({article.id for article, _, _ in records} - now_totals.keys())
            if unread:
                now_totals.update(run(TOTALS_GET.format(ids=", ".join(["%s"] * len(unread))), unread))
        return [
            (outcome, now_totals.get(article.id, 0))
            for outcome, (article, _, _) in zip(outcomes, records, strict=True)
        ]

    def counts(self, *, article_ids: Sequence[int]) -> dict[int, int]:
        found = database_totals(article_ids=article_ids)
        return {article_id: found.get(article_id, 0) for article_id in article_ids}

    def flush(self) -> FlushTally:
        return FlushTally()


# --- Redis -----------------------------------------------------------------------------

# What a page shows is computed in Redis alone, so that a beacon costs one round trip and
# no database query: the article's "base" (its database total, minus batches not yet
# forgotten) plus its pending count plus its count in every batch still in flight. Bases
# are cached for BASE_SECONDS and loaded from the database when missing; the flusher adds
# each batch to the cached bases in the step that forgets it, and every claim and forget
# bumps a generation number so that a base computed while a flush moved on is thrown away.
_READ_LUA = """
local function read(out, pending_key, batches_key, gen_key, batch_prefix, base_prefix, ids)
  table.insert(out, redis.call('GET', gen_key) or '0')
  local fields = {}
  for i, id in ipairs(ids) do fields[i] = 't:' .. id end
  local pending = redis.call('HMGET', pending_key, unpack(fields))
  for i = 1, #ids do table.insert(out, pending[i] or '0') end
  for _, id in ipairs(ids) do table.insert(out, redis.call('GET', base_prefix .. id) or '') end
  for _, batch in ipairs(redis.call('SMEMBERS', batches_key)) do
    table.insert(out, batch)
    local values = redis.call('HMGET', batch_prefix .. batch, unpack(fields))
    for i = 1, #ids do table.insert(out, values[i] or '0') end
  end
  return out
end
"""

# A beacon: dedup, reader cap, count, and what the page now shows, in one atomic call.
# KEYS: seen, rate, pending, batches, generation. ARGV: repeat seconds, cap, day field,
# total field, batch prefix, base prefix, article id.
_RECORD_LUA = (
    _READ_LUA
    + """
local status = 'counted'
if redis.call('EXISTS', KEYS[1]) == 1 then
  status = 'repeat'
elseif tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then
  status = 'rate_limited'
else
  redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
  if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
  redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
end
return read({status}, KEYS[3], KEYS[4], KEYS[5], ARGV[5], ARGV[6], {ARGV[7]})
"""
)

# KEYS: pending, batches, generation. ARGV: batch prefix, base prefix, article ids...
_COUNTS_LUA = (
    _READ_LUA
    + """
return read({''}, KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], {unpack(ARGV, 3)})
"""
)

# Cache bases computed from the database, unless a flush moved on meanwhile.
# KEYS: generation. ARGV: generation seen, seconds, base prefix, then id, base pairs.
_BASE_SET_LUA = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
for i = 4, #ARGV, 2 do
  redis.call('SET', ARGV[3] .. ARGV[i], ARGV[i + 1], 'NX', 'EX', ARGV[2])
end
return 1
"""

# Flush step 1: the pending hash becomes a listed batch, atomically.
# KEYS: pending, batches, the new batch, generation. ARGV: batch id.
_CLAIM_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[4])
return 1
"""

# Flush step 3, after the batch is committed: move its totals into the cached bases, then
# delete and unlist it, atomically. KEYS: batch, batches, generation. ARGV: id, base prefix.
_FORGET_LUA = """
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == 't:' then
    local base = ARGV[2] .. string.sub(fields[i], 3)
    if redis.call('EXISTS', base) == 1 then redis.call('INCRBY', base, fields[i + 1]) end
  end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[3])
return 1
"""

REDIS_ERRORS: tuple[type[Exception], ...]
try:
    import redis
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover - redis is a dependency
    REDIS_ERRORS = (OSError,)


@dataclass
class _Batch:
    daily: dict[tuple[int, int, date], int] = field(default_factory=dict)
    totals: dict[int, int] = field(default_factory=dict)


def _batch_parse(fields: dict[bytes, bytes]) -> _Batch:
    batch = _Batch()
    daily: dict[tuple[int, int, date], int] = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    for raw_key, raw_value in fields.items():
        key, value = raw_key.decode(), int(raw_value)
        kind, _, rest = key.partition(":")
        if kind == "t":
            totals[int(rest)] += value
        elif kind == "d":
            article_id, edition_id, day = rest.split(":")
            daily[(int(article_id), int(edition_id), date.fromisoformat(day))] += value
    batch.daily, batch.totals = dict(daily), dict(totals)
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
        self, *, url: str, prefix: str, repeat_seconds: int, reader_max_views: int, fallback: ViewCounter
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.repeat_seconds = repeat_seconds
        self.reader_max_views = reader_max_views
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
                    self._record_script = client.register_script(_RECORD_LUA)
                    self._counts_script = client.register_script(_COUNTS_LUA)
                    self._base_set_script = client.register_script(_BASE_SET_LUA)
                    self._claim_script = client.register_script(_CLAIM_LUA)
                    self._forget_script = client.register_script(_FORGET_LUA)
                    self._client, self._client_pid = client, os.getpid()
        return self._client

    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _mark_down(self, exc: Exception) -> None:
        self._down_until = time.monotonic() + self.RETRY_AFTER_SECONDS
        logger.warning("Redis view counter unreachable (%s); counting in the database", exc)

    # Counting ---------------------------------------------------------------------------

    def record(self, *, article: ArticleRef, reader: Reader, now: datetime) -> tuple[Outcome, int]:
        if not self.available():
            return self.fallback.record(article=article, reader=reader, now=now)
        try:
            reply = self._group.submit(self._record_call(article, reader))
            if isinstance(reply, Exception):
                raise reply
            outcome = Outcome(reply[0].decode())
            shown = self._shown([article.id], self._snapshot(reply, [article.id]))
            if shown is None:
                shown = self._counts_from_redis([article.id])
        except REDIS_ERRORS as exc:
            self._mark_down(exc)
            return self.fallback.record(article=article, reader=reader, now=now)
        return outcome, shown[article.id]

    def _record_call(self, article: ArticleRef, reader: Reader) -> tuple[object, ...]:
        """The record script's keys and arguments for one beacon (see _RECORD_LUA)."""
        keys = (
            f"{self.prefix}:seen:{reader.hash}:{article.id}",
            f"{self.prefix}:rate:{reader.hash}",
            self.pending_key,
            self.batches_key,
            self.generation_key,
        )
        args = (
            self.repeat_seconds,
            self.reader_max_views,
            f"d:{article.id}:{article.edition_id}:{reader.day.isoformat()}",
            f"t:{article.id}",
            self.batch_prefix,
            self.base_prefix,
            article.id,
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
            if len(batch) == 1:  # no pipeline to set up for a lone beacon
                try:
                    return [client.execute_command("EVALSHA", self._record_script.sha, *batch[0])]
                except redis.exceptions.ResponseError as error:
                    return [error]
            pipe = client.pipeline(transaction=False)
            for call in batch:
                pipe.execute_command("EVALSHA", self._record_script.sha, *call)
            return pipe.execute(raise_on_error=False)

        replies = send(calls)
        missing = [i for i, reply in enumerate(replies) if isinstance(reply, redis.exceptions.NoScriptError)]
        if missing:
            client.script_load(_RECORD_LUA)
            for i, reply in zip(missing, send([calls[i] for i in missing]), strict=True):
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
            with _write_lock(), transaction.atomic():
                # First, so that a second flusher of the same batch waits on the unique index
                # and then fails, instead of adding the counts again.
                record = FlushedBatch.objects.create(batch_id=batch_id)
                existing = set(
                    ArticlePage.objects.filter(pk__in=list(batch.totals)).values_list("pk", flat=True)
                )
                daily = {key: v for key, v in batch.daily.items() if key[0] in existing}
                totals = {key: v for key, v in batch.totals.items() if key in existing}
                counts_apply(daily=daily, totals=totals)
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
            batch_id = self.batch_claim()
            if batch_id is not None:
                self.batch_apply(batch_id, tally=tally)
                self.batch_forget(batch_id)
        except REDIS_ERRORS as exc:
            logger.warning("Redis view counter unreachable, nothing flushed: %s", exc)
        return tally


# --- Choosing the backend --------------------------------------------------------------

BACKENDS = {
    "database": "newsdesk.analytics.counters.DatabaseCounter",
    "redis": "newsdesk.analytics.counters.RedisCounter",
}


def counter_build(name: str) -> ViewCounter:
    """The counter called `name` ("database", "redis" or a dotted path), from settings."""
    common: dict[str, Any] = {
        "repeat_seconds": settings.ANALYTICS_REPEAT_VIEW_SECONDS,
        "reader_max_views": settings.ANALYTICS_READER_MAX_VIEWS,
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
