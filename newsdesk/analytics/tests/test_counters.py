"""The counter backends: the database, Redis, its flush protocol and its fallback."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from newsdesk.analytics.counters import (
    ArticleRef,
    DatabaseCounter,
    Outcome,
    RedisCounter,
    counter_build,
    counter_get,
)
from newsdesk.analytics.counters import database as database_counter
from newsdesk.analytics.counters import redis as redis_counter_module
from newsdesk.analytics.models import ArticleDailyViews, ArticleViewTotal, FlushedBatch, ReaderSeen
from newsdesk.analytics.services import views_flush
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.readers import Reader, almaty_today

pytestmark = pytest.mark.django_db


def reader(n: int, day=None) -> Reader:
    return Reader(hash=f"{n:064x}", day=day or almaty_today())


@pytest.fixture
def two_articles(sections) -> list[ArticleRef]:
    en = article_publish(section=sections[("en", "economy")], title="Tenge")
    ru = article_publish(section=sections[("ru", "economy")], title="Тенге")
    return [ArticleRef(id=en.pk, edition_id=en.locale_id), ArticleRef(id=ru.pk, edition_id=ru.locale_id)]


def stored(article: ArticleRef) -> tuple[int, int]:
    total = (
        ArticleViewTotal.objects.filter(article_id=article.id).values_list("views", flat=True).first() or 0
    )
    daily = sum(ArticleDailyViews.objects.filter(article_id=article.id).values_list("views", flat=True))
    return total, daily


def test_the_configured_backend(settings) -> None:
    expected = RedisCounter if os.environ.get("REDIS_URL") else DatabaseCounter
    assert type(counter_get()) is expected
    settings.ANALYTICS_VIEW_COUNTER = "database"
    assert type(counter_get()) is DatabaseCounter
    assert type(counter_build("redis")) is RedisCounter


class TestDatabaseCounter:
    def counter(self) -> DatabaseCounter:
        return DatabaseCounter(repeat_seconds=1800, reader_max_views=60)

    def test_counts_into_the_days_row_and_the_total(self, two_articles) -> None:
        counter, article = self.counter(), two_articles[0]
        now = datetime(2026, 5, 1, 20, 0, tzinfo=UTC)  # 2 May in Almaty
        for n in range(3):
            assert counter.record(article=article, reader=reader(n, almaty_today(now)), now=now) == (
                Outcome.COUNTED,
                n + 1,
            )
        row = ArticleDailyViews.objects.get(article_id=article.id)
        assert (str(row.day), row.views, row.edition_id) == ("2026-05-02", 3, article.edition_id)
        assert stored(article) == (3, 3)

    def test_a_repeat_counts_again_only_after_the_window(self, two_articles) -> None:
        counter, article = self.counter(), two_articles[0]
        start = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False):
            assert counter.record(article=article, reader=reader(1), now=start)[0] is Outcome.COUNTED
        for minutes, expected in [(29, Outcome.REPEAT), (31, Outcome.COUNTED), (45, Outcome.REPEAT)]:
            now = start + timedelta(minutes=minutes)
            assert counter.record(article=article, reader=reader(1), now=now)[0] is expected, minutes
        assert stored(article) == (2, 2)

    def test_expired_reader_rows_are_forgotten_by_the_flush_job(self, two_articles) -> None:
        counter = self.counter()
        now = datetime.now(UTC)
        counter.record(article=two_articles[0], reader=reader(1), now=now - timedelta(hours=1))
        counter.record(article=two_articles[1], reader=reader(2), now=now)
        views_flush(now=now)
        assert list(ReaderSeen.objects.values_list("reader", flat=True)) == [reader(2).hash]


@pytest.fixture
def redis_counter(require_redis, analytics_isolation) -> RedisCounter:
    return RedisCounter(
        url=require_redis,
        prefix=analytics_isolation,
        repeat_seconds=1800,
        reader_max_views=60,
        fallback=DatabaseCounter(repeat_seconds=1800, reader_max_views=60),
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Crash(Exception):
    """The flusher killed at this point."""


class TestRedisCounter:
    def test_counts_in_redis_until_the_flush_and_shows_them_all_along(
        self, redis_counter, two_articles
    ) -> None:
        en, ru = two_articles
        now = datetime.now(UTC)
        for n in range(5):
            redis_counter.record(article=en, reader=reader(n), now=now)
        outcome, shown = redis_counter.record(article=ru, reader=reader(1), now=now)
        assert (outcome, shown) == (Outcome.COUNTED, 1)
        assert redis_counter.record(article=ru, reader=reader(1), now=now)[0] is Outcome.REPEAT
        assert stored(en) == (0, 0)
        assert redis_counter.counts(article_ids=[en.id, ru.id]) == {en.id: 5, ru.id: 1}
        tally = redis_counter.flush()
        assert (tally.batches, tally.views) == (1, 6)
        assert stored(en) == (5, 5) and stored(ru) == (1, 1)
        assert redis_counter.counts(article_ids=[en.id, ru.id]) == {en.id: 5, ru.id: 1}
        assert redis_counter.flush().batches == 0

    @pytest.mark.parametrize("killed_after", ["claim", "apply_midway", "apply", "forget"])
    def test_a_flush_killed_between_any_two_steps_neither_loses_nor_doubles(
        self, redis_counter, two_articles, killed_after: str, monkeypatch
    ) -> None:
        en, ru = two_articles
        now = datetime.now(UTC)
        for n in range(7):
            redis_counter.record(article=en, reader=reader(n), now=now)
        redis_counter.record(article=ru, reader=reader(1), now=now)

        batch_id = redis_counter.batch_claim()
        assert batch_id is not None
        # Readers go on reading while the flusher works; their views go to a new pending hash.
        redis_counter.record(article=en, reader=reader(100), now=now)
        assert redis_counter.counts(article_ids=[en.id, ru.id]) == {en.id: 8, ru.id: 1}
        if killed_after == "apply_midway":

            def dies_after_the_daily_rows(*, daily, totals):
                rows = [(a, e, connection.ops.adapt_datefield_value(d), v) for (a, e, d), v in daily.items()]
                with connection.cursor() as cursor:
                    cursor.execute(*database_counter._rows(database_counter.DAILY_UPSERT, rows))
                raise Crash

            monkeypatch.setattr(redis_counter_module, "counts_apply", dies_after_the_daily_rows)
            with pytest.raises(Crash):
                redis_counter.batch_apply(batch_id)
            monkeypatch.undo()
            assert stored(en) == (0, 0)  # rolled back whole
        if killed_after in ("apply", "forget"):
            assert redis_counter.batch_apply(batch_id) == 8
            assert redis_counter.counts(article_ids=[en.id, ru.id]) == {en.id: 8, ru.id: 1}
        if killed_after == "forget":
            redis_counter.batch_forget(batch_id)

        # A new flusher process (a new counter object) starts after the crash.
        restarted = RedisCounter(
            url=redis_counter.url,
            prefix=redis_counter.prefix,
            repeat_seconds=1800,
            reader_max_views=60,
            fallback=redis_counter.fallback,
        )
        tally = restarted.flush()
        assert stored(en) == (8, 8) and stored(ru) == (1, 1)
        assert restarted.counts(article_ids=[en.id, ru.id]) == {en.id: 8, ru.id: 1}
        assert tally.recovered == (0 if killed_after == "forget" else 1)
        assert tally.skipped == (1 if killed_after == "apply" else 0)
        assert restarted.batches_in_flight() == []
        assert restarted.flush().views == 0
        assert stored(en) == (8, 8)

    def test_the_shown_count_needs_no_database_once_the_base_is_cached(
        self, redis_counter, two_articles, django_assert_num_queries
    ) -> None:
        en = two_articles[0]
        now = datetime.now(UTC)
        redis_counter.record(article=en, reader=reader(1), now=now)  # loads and caches the base
        redis_counter.flush()
        with django_assert_num_queries(0):
            assert redis_counter.record(article=en, reader=reader(2), now=now) == (Outcome.COUNTED, 2)
            assert redis_counter.counts(article_ids=[en.id]) == {en.id: 2}
        redis_counter.flush()
        with django_assert_num_queries(0):
            assert redis_counter.counts(article_ids=[en.id]) == {en.id: 2}

    def test_the_record_script_is_loaded_again_after_redis_forgets_it(
        self, redis_counter, two_articles
    ) -> None:
        en = two_articles[0]
        now = datetime.now(UTC)
        assert redis_counter.record(article=en, reader=reader(1), now=now) == (Outcome.COUNTED, 1)
        redis_counter.client().script_flush()  # as after a Redis restart
        assert redis_counter.record(article=en, reader=reader(2), now=now) == (Outcome.COUNTED, 2)
        assert redis_counter.record(article=en, reader=reader(2), now=now) == (Outcome.REPEAT, 2)

    def test_concurrent_beacons_share_round_trips_and_each_gets_its_answer(
        self, redis_counter, two_articles, monkeypatch
    ) -> None:
        import threading
        import time

        en = two_articles[0]
        now = datetime.now(UTC)
        redis_counter.record(article=en, reader=reader(0), now=now)  # base cached: no database below
        sizes: list[int] = []
        send = redis_counter._record_many

        def slow_send(calls):
            sizes.append(len(calls))
            time.sleep(0.02)  # a round trip in progress: the other threads queue meanwhile
            return send(calls)

        monkeypatch.setattr(redis_counter, "_record_many", slow_send)
        monkeypatch.setattr(redis_counter._group, "_apply", slow_send)
        answers: dict[int, tuple[Outcome, int]] = {}

        def beacon(n: int) -> None:
            answers[n] = redis_counter.record(article=en, reader=reader(n), now=now)

        threads = [threading.Thread(target=beacon, args=(n,)) for n in range(1, 21)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert all(outcome is Outcome.COUNTED for outcome, _ in answers.values())
        assert sorted(shown for _, shown in answers.values()) == list(range(2, 22))  # each saw its own
        assert max(sizes) > 1 and sum(sizes) == 20
        assert redis_counter.counts(article_ids=[en.id]) == {en.id: 21}

    def test_a_base_computed_while_a_flush_moved_on_is_not_cached(self, redis_counter, two_articles) -> None:
        en = two_articles[0]
        now = datetime.now(UTC)
        for n in range(3):
            redis_counter.record(article=en, reader=reader(n), now=now)
        redis_counter.client().delete(redis_counter.base_prefix + str(en.id))
        reply = redis_counter._counts_script(
            keys=[redis_counter.pending_key, redis_counter.batches_key, redis_counter.generation_key],
            args=[redis_counter.batch_prefix, redis_counter.base_prefix, en.id],
        )
        stale = redis_counter._snapshot(reply, [en.id])
        batch_id = redis_counter.batch_claim()
        redis_counter.batch_apply(batch_id)
        assert redis_counter._shown([en.id], stale) is None  # refused: the generation moved
        assert redis_counter.client().get(redis_counter.base_prefix + str(en.id)) is None
        assert redis_counter.counts(article_ids=[en.id]) == {en.id: 3}
        redis_counter.batch_forget(batch_id)
        assert redis_counter.counts(article_ids=[en.id]) == {en.id: 3}

    def test_views_counted_by_the_fallback_show_once_the_cached_base_expires(
        self, redis_counter, two_articles
    ) -> None:
        en = two_articles[0]
        now = datetime.now(UTC)
        redis_counter.record(article=en, reader=reader(1), now=now)
        redis_counter.fallback.record(article=en, reader=reader(2), now=now)  # Redis was down
        assert redis_counter.counts(article_ids=[en.id]) == {en.id: 1}
        assert (
            0
            < redis_counter.client().ttl(redis_counter.base_prefix + str(en.id))
            <= RedisCounter.BASE_SECONDS
        )
        redis_counter.client().delete(redis_counter.base_prefix + str(en.id))  # as if expired
        assert redis_counter.counts(article_ids=[en.id]) == {en.id: 2}
        redis_counter.flush()
        assert stored(en) == (2, 2)
        assert redis_counter.counts(article_ids=[en.id]) == {en.id: 2}

    def test_two_flushers_applying_the_same_batch_count_it_once(self, redis_counter, two_articles) -> None:
        en = two_articles[0]
        redis_counter.record(article=en, reader=reader(1), now=datetime.now(UTC))
        batch_id = redis_counter.batch_claim()
        assert redis_counter.batch_apply(batch_id) == 1
        assert redis_counter.batch_apply(batch_id) == 0
        assert stored(en) == (1, 1)
        assert FlushedBatch.objects.get(batch_id=batch_id).views == 1

    def test_views_of_an_article_deleted_before_the_flush_are_dropped_not_stuck(
        self, redis_counter, two_articles
    ) -> None:
        now = datetime.now(UTC)
        deleted = ArticleRef(id=2_000_000_000, edition_id=two_articles[0].edition_id)  # no such page any more
        redis_counter.record(article=deleted, reader=reader(1), now=now)
        redis_counter.record(article=two_articles[0], reader=reader(1), now=now)
        tally = redis_counter.flush()
        assert (tally.views, tally.dropped) == (1, 1)
        assert stored(two_articles[0]) == (1, 1)
        assert redis_counter.batches_in_flight() == []

    def test_with_redis_unreachable_views_are_counted_in_the_database(self, two_articles) -> None:
        down = RedisCounter(
            url=f"redis://127.0.0.1:{free_port()}/0",
            prefix="unreachable",
            repeat_seconds=1800,
            reader_max_views=60,
            fallback=DatabaseCounter(repeat_seconds=1800, reader_max_views=60),
        )
        en = two_articles[0]
        now = datetime.now(UTC)
        assert down.record(article=en, reader=reader(1), now=now) == (Outcome.COUNTED, 1)
        assert down.available() is False  # later beacons skip Redis for a few seconds
        assert down.record(article=en, reader=reader(2), now=now) == (Outcome.COUNTED, 2)
        assert down.record(article=en, reader=reader(2), now=now)[0] is Outcome.REPEAT
        assert stored(en) == (2, 2)
        assert down.counts(article_ids=[en.id]) == {en.id: 2}
        assert down.flush().views == 0  # nothing to flush, and no exception

    def test_the_endpoint_falls_back_too(self, seed_article, client, settings) -> None:
        from .conftest import beacon

        settings.ANALYTICS_VIEW_COUNTER = "redis"
        settings.ANALYTICS_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
        response = beacon(client, seed_article.pk)
        assert response.status_code == 200
        assert response.json()["views"] == 14558
        assert ArticleViewTotal.objects.get(article=seed_article).views == 1


class TestGroupCommit:
    """The SQLite path: concurrent beacons of one process share transactions."""

    def test_concurrent_records_are_batched_and_each_gets_its_own_answer(self) -> None:
        import threading
        import time

        from newsdesk.analytics.counters import GroupCommit

        batches: list[int] = []

        def apply(records):
            batches.append(len(records))
            time.sleep(0.01)  # a transaction in progress: others queue meanwhile
            if any(record == "bad" for record in records):
                raise ValueError("bad record")
            return [(Outcome.COUNTED, record) for record in records]

        group = GroupCommit(apply)
        answers: dict[object, object] = {}

        def submit(record: object) -> None:
            try:
                answers[record] = group.submit(record)
            except ValueError as exc:
                answers[record] = exc

        threads = [threading.Thread(target=submit, args=(n,)) for n in range(40)]
        threads.append(threading.Thread(target=submit, args=("bad",)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {answers[n] for n in range(40)} == {(Outcome.COUNTED, n) for n in range(40)}
        assert isinstance(answers["bad"], ValueError)
        assert max(batches) > 1  # writes were shared
        assert sum(size for size in batches if size > 1) + batches.count(1) >= 41

    def test_an_uncontended_record_is_written_by_its_own_thread(self) -> None:
        import threading

        from newsdesk.analytics.counters import GroupCommit

        writers = []

        def write(records: list[str]) -> list[tuple[Outcome, int]]:
            writers.append(threading.current_thread())
            return [(Outcome.REPEAT, 0)]

        group = GroupCommit(write)
        assert group.submit("only") == (Outcome.REPEAT, 0)
        assert writers == [threading.current_thread()]

    def test_records_queued_while_the_writer_waits_for_the_lock_join_its_batch(self) -> None:
        import contextlib
        import threading
        import time

        from newsdesk.analytics.counters import GroupCommit

        other_process = threading.Lock()  # stands in for the flock another process holds
        other_process.acquire()
        batches: list[int] = []

        @contextlib.contextmanager
        def write_lock():
            with other_process:
                yield

        def write(records: list[int]) -> list[tuple[Outcome, int]]:
            batches.append(len(records))
            return [(Outcome.COUNTED, r) for r in records]

        group = GroupCommit(write, lock=write_lock)
        threads = [threading.Thread(target=group.submit, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        time.sleep(0.2)  # all twenty are queued behind the first, which waits for the lock
        other_process.release()
        for thread in threads:
            thread.join(timeout=10)
        assert not any(thread.is_alive() for thread in threads)
        assert batches == [20]

    def test_more_records_than_a_batch_holds_all_get_answers(self, monkeypatch) -> None:
        import threading
        import time

        from newsdesk.analytics.counters import GroupCommit

        monkeypatch.setattr(GroupCommit, "MAX_BATCH", 3)
        batches: list[int] = []

        def apply(records):
            batches.append(len(records))
            time.sleep(0.005)
            return [(Outcome.COUNTED, r) for r in records]

        group = GroupCommit(apply)
        answers: dict[int, object] = {}
        threads = [
            threading.Thread(target=lambda n=n: answers.__setitem__(n, group.submit(n))) for n in range(30)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert answers == {n: (Outcome.COUNTED, n) for n in range(30)}
        assert max(batches) == 3

    def test_a_writer_that_cannot_take_the_lock_fails_alone(self) -> None:
        import threading

        from newsdesk.analytics.counters import GroupCommit

        calls = {"n": 0}

        class FlakyLock:
            def __enter__(self) -> None:
                calls["n"] += 1
                if calls["n"] == 1:
                    raise OSError("lock file gone")

            def __exit__(self, *exc: object) -> None:
                return None

        group: GroupCommit[str, tuple[Outcome, str]] = GroupCommit(
            lambda records: [(Outcome.COUNTED, r) for r in records], lock=FlakyLock
        )
        try:
            group.submit("first")
        except OSError:
            pass
        else:  # pragma: no cover
            raise AssertionError("the lock error must reach its writer")
        result: list[object] = []
        thread = threading.Thread(target=lambda: result.append(group.submit("second")))
        thread.start()
        thread.join(timeout=5)
        assert result == [(Outcome.COUNTED, "second")]
