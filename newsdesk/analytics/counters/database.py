"""The database counter: decide and count in one transaction of plain-SQL upserts.

The embedded default, the Redis counter's fallback, and where the Redis counter's batches
end (counts_apply). On a SQLite file writers queue on a lock (`write_lock`) and a process's
beacons share transactions (group_commit.GroupCommit).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection, transaction

from newsdesk.core.readers import Reader

from ..models import ArticleDailyViews, ArticleViewTotal, NetworkBurstFlag, NetworkWindow, ReaderSeen
from .base import ArticleRef, FlushTally, Outcome, burst_window_start
from .group_commit import GroupCommit

# Plain SQL upserts, atomic on SQLite (>= 3.35) and PostgreSQL alike: the ORM's
# update_or_create reads then writes, and bulk_create(update_conflicts=True) can only
# overwrite a count, not add to it. Each takes many rows at once (VALUES {rows}), so a batch
# of beacons costs a handful of statements whatever its size. The beacon is the hottest path
# of the site, and building ORM queries there costs more than running them.
_SEEN = ReaderSeen._meta.db_table
_DAILY = ArticleDailyViews._meta.db_table
_TOTAL = ArticleViewTotal._meta.db_table
_WINDOW = NetworkWindow._meta.db_table
_FLAG = NetworkBurstFlag._meta.db_table
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
WINDOW_UPSERT = (
    f"INSERT INTO {_WINDOW} (network, article_id, window_start, readers) VALUES {{rows}} "
    f"ON CONFLICT (network, article_id, window_start) DO UPDATE SET readers = {_WINDOW}.readers "
    f"+ excluded.readers RETURNING network, article_id, window_start, readers"
)
FLAG_UPSERT = (
    f"INSERT INTO {_FLAG} (article_id, edition_id, network, day, refused) VALUES {{rows}} "
    f"ON CONFLICT (article_id, network, day) DO UPDATE SET refused = {_FLAG}.refused + excluded.refused"
)
TOTALS_GET = f"SELECT article_id, views FROM {_TOTAL} WHERE article_id IN ({{ids}})"
ROWS_PER_STATEMENT = 200


def _rows(template: str, rows: list[tuple]) -> tuple[str, list[Any]]:
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


def write_lock() -> Any:
    return _sqlite_write_lock if connection.vendor == "sqlite" else contextlib.nullcontext()


Run = Callable[[str, Sequence[Any]], list[tuple]]
ViewRecord = tuple[ArticleRef, Reader, datetime]


def _django_run(sql: str, params: Sequence[Any]) -> list[tuple]:
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
    with write_lock():
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


BurstFlags = dict[tuple[int, int, str, date], int]  # (article, edition, network, day) -> refused


def burst_flags_apply(*, flags: BurstFlags, run: Run = _django_run) -> None:
    """Add refused views to the editors' list of suspected inflation (caller's transaction)."""
    ops = connection.ops
    rows = [
        (article_id, edition_id, network, ops.adapt_datefield_value(day), refused)
        for (article_id, edition_id, network, day), refused in sorted(flags.items())
    ]
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        run(*_rows(FLAG_UPSERT, rows[start : start + ROWS_PER_STATEMENT]))


def bursts_refuse(*, records: list[ViewRecord], readers: int, seconds: int, run: Run) -> list[bool]:
    """Which of these new readers' views (in the order they came) a network burst refuses.

    Adds each (network, article, window)'s new readers to its row in one upsert; the row
    lock makes concurrent transactions take turns, and the total it returns tells how many
    of ours still fit under `readers`. The first ones count, the rest are refused and
    flagged. `readers` <= 0 turns the detector off.
    """
    refused = [False] * len(records)
    if readers <= 0:
        return refused
    groups: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for index, (article, reader, now) in enumerate(records):
        if reader.network:
            groups[(reader.network, article.id, burst_window_start(now, seconds))].append(index)
    rows = [(*key, len(indexes)) for key, indexes in sorted(groups.items())]
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        for network, article_id, window, total in run(
            *_rows(WINDOW_UPSERT, rows[start : start + ROWS_PER_STATEMENT])
        ):
            indexes = groups[(network, int(article_id), int(window))]
            for index in indexes[max(0, readers - (int(total) - len(indexes))) :]:
                refused[index] = True
    flags: BurstFlags = defaultdict(int)
    for (article, reader, _), refuse in zip(records, refused, strict=True):
        if refuse:
            flags[(article.id, article.edition_id, reader.network, reader.day)] += 1
    if flags:
        burst_flags_apply(flags=flags, run=run)
    return refused


def database_totals(*, article_ids: Iterable[int]) -> dict[int, int]:
    # Read on every article page: the SQL the beacon's path already uses, not a queryset
    # compiled again for each reader (a third of a millisecond per page).
    ids = list(article_ids)
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(TOTALS_GET.format(ids=", ".join(["%s"] * len(ids))), ids)
        return dict(cursor.fetchall())


def _sqlite_file() -> bool:
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and not (
        name == ":memory:" or name.startswith("file:") or "mode=memory" in name
    )


class DatabaseCounter:
    """Counts straight into the database: the embedded default, and Redis's fallback."""

    def __init__(
        self,
        *,
        repeat_seconds: int,
        reader_max_views: int,
        burst_readers: int = 0,
        burst_seconds: int = 60,
    ) -> None:
        self.repeat = timedelta(seconds=repeat_seconds)
        self.reader_max_views = reader_max_views
        self.burst_readers = burst_readers
        self.burst_seconds = burst_seconds
        self._group: GroupCommit[ViewRecord, tuple[Outcome, int]] = GroupCommit(
            self.record_many, lock=write_lock
        )

    def record(self, *, article: ArticleRef, reader: Reader, now: datetime) -> tuple[Outcome, int]:
        if _sqlite_file():
            return self._group.submit((article, reader, now))
        # PostgreSQL locks rows, not the database: concurrent transactions are fine.
        return self.record_many([(article, reader, now)])[0]

    def record_many(self, records: list[ViewRecord]) -> list[tuple[Outcome, int]]:
        """Decide and count records in order, in one transaction of four to six statements.

        A reader's views are capped at `reader_max_views` live "seen" rows; a record whose
        (reader, article) is seen and not expired is a repeat; a new reader past a network's
        burst ceiling is refused (bursts_refuse).
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
            new = sorted(candidates[key] for key in counted)  # in the order the beacons came
            refused = bursts_refuse(
                records=[records[index] for index in new],
                readers=self.burst_readers,
                seconds=self.burst_seconds,
                run=run,
            )
            daily: dict[tuple[int, int, date], int] = defaultdict(int)
            totals: dict[int, int] = defaultdict(int)
            for index, refuse in zip(new, refused, strict=True):
                article, reader, _ = records[index]
                if refuse:
                    outcomes[index] = Outcome.BURST
                    continue
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
