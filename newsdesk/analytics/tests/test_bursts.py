"""The network burst detector: many new readers of one article from one network within a
window stop counting past a ceiling, on both counter backends, and editors see the flag."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client

from newsdesk.analytics.counters import ArticleRef, DatabaseCounter, Outcome, RedisCounter
from newsdesk.analytics.models import ArticleViewTotal, NetworkBurstFlag, NetworkWindow
from newsdesk.analytics.services import views_flush
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.readers import Reader, almaty_today

from .conftest import CHROME, beacon
from .test_admin import editor_of as editor_of  # noqa: F401 (a fixture)
from .test_admin import login

pytestmark = pytest.mark.django_db
CEILING = 30
REPORT_URL = "/admin/analytics/reports/view-bursts/"
NOON = datetime(2026, 3, 10, 12, 0, 5, tzinfo=UTC)


@pytest.fixture(params=["database", "redis"])
def backend(request, settings) -> str:
    if request.param == "redis":
        settings.ANALYTICS_REDIS_URL = request.getfixturevalue("require_redis")
    settings.ANALYTICS_VIEW_COUNTER = request.param
    settings.ANALYTICS_NETWORK_BURST_READERS = CEILING
    settings.ANALYTICS_NETWORK_BURST_SECONDS = 60
    return request.param


def rotating(client: Client, article_id: int, *, ip: str, count: int, start: int = 0) -> list[str]:
    """`count` beacons from one address, each with a user agent of its own: their reasons."""
    return [
        beacon(client, article_id, ip=ip, user_agent=f"{CHROME} rotation/{start + n}").json()["reason"]
        for n in range(count)
    ]


def counted_total(article_id: int) -> int:
    views_flush()  # Redis: into the database (nothing to do for the database counter)
    return ArticleViewTotal.objects.filter(article_id=article_id).values_list("views", flat=True).first() or 0


class TestBurstCeiling:
    def test_rotating_user_agents_from_one_address_count_up_to_the_ceiling(
        self, backend, seed_article, client
    ) -> None:
        with time_machine.travel(NOON, tick=False):
            reasons = rotating(client, seed_article.pk, ip="203.0.113.50", count=200)
            assert reasons.count("counted") == CEILING
            assert reasons[:CEILING] == ["counted"] * CEILING
            assert set(reasons[CEILING:]) == {Outcome.BURST.value}
            assert counted_total(seed_article.pk) == CEILING
            flag = NetworkBurstFlag.objects.get()
        assert (flag.article_id, flag.edition_id, flag.day, flag.refused) == (
            seed_article.pk,
            seed_article.locale_id,
            almaty_today(NOON),
            200 - CEILING,
        )
        assert len(flag.network) == 16 and "203" not in flag.network

    def test_networks_are_independent_and_an_ipv6_64_is_one_network(
        self, backend, seed_article, client
    ) -> None:
        with time_machine.travel(NOON, tick=False):
            assert rotating(client, seed_article.pk, ip="203.0.113.50", count=40).count("counted") == CEILING
            assert rotating(client, seed_article.pk, ip="203.0.113.51", count=40).count("counted") == CEILING
            in_one_64 = [
                beacon(client, seed_article.pk, ip=f"2001:db8:1:2::{n:x}").json()["reason"]
                for n in range(1, 41)
            ]
            assert in_one_64.count("counted") == CEILING
            assert beacon(client, seed_article.pk, ip="2001:db8:1:3::1").json()["reason"] == "counted"
            assert counted_total(seed_article.pk) == 3 * CEILING + 1
        assert sorted(NetworkBurstFlag.objects.values_list("refused", flat=True)) == [10, 10, 10]

    def test_another_article_and_the_next_window_count_again(
        self, backend, seed_article, sections, client
    ) -> None:
        other = article_publish(section=sections[("en", "economy")], title="Grain exports")
        with time_machine.travel(NOON, tick=False):
            rotating(client, seed_article.pk, ip="203.0.113.50", count=CEILING + 5)
            assert rotating(client, other.pk, ip="203.0.113.50", count=1, start=100) == ["counted"]
        with time_machine.travel(NOON + timedelta(seconds=60), tick=False):
            assert rotating(client, seed_article.pk, ip="203.0.113.50", count=1, start=200) == ["counted"]
            # Windows that are over are forgotten by the flush job.
            views_flush(now=NOON + timedelta(seconds=200))
        assert not NetworkWindow.objects.exists()

    def test_a_ceiling_of_zero_turns_the_detector_off(self, backend, seed_article, client, settings) -> None:
        settings.ANALYTICS_NETWORK_BURST_READERS = 0
        with time_machine.travel(NOON, tick=False):
            assert set(rotating(client, seed_article.pk, ip="203.0.113.50", count=CEILING + 5)) == {"counted"}
        assert not NetworkBurstFlag.objects.exists()


def network_reader(n: int) -> Reader:
    return Reader(hash=f"{n:064x}", day=almaty_today(NOON), network="a1b2c3d4e5f60718")


class TestConcurrency:
    def test_redis_concurrent_new_readers_from_one_network_count_exactly_the_ceiling(
        self, require_redis, analytics_isolation, seed_article
    ) -> None:
        counter = RedisCounter(
            url=require_redis,
            prefix=analytics_isolation,
            repeat_seconds=1800,
            reader_max_views=60,
            fallback=DatabaseCounter(repeat_seconds=1800, reader_max_views=60),
            burst_readers=CEILING,
            burst_seconds=60,
        )
        article = ArticleRef(id=seed_article.pk, edition_id=seed_article.locale_id)
        counter.record(article=article, reader=network_reader(0), now=NOON)  # base cached: no database below
        outcomes: list[Outcome] = []
        threads = [
            threading.Thread(
                target=lambda n=n: outcomes.append(
                    counter.record(article=article, reader=network_reader(n), now=NOON)[0]
                )
            )
            for n in range(1, 80)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes.count(Outcome.COUNTED) == CEILING - 1
        assert outcomes.count(Outcome.BURST) == 80 - CEILING
        counter.flush()
        assert NetworkBurstFlag.objects.get().refused == 80 - CEILING
        assert ArticleViewTotal.objects.get(article_id=article.id).views == CEILING


@pytest.mark.django_db(transaction=True)
def test_postgresql_concurrent_transactions_count_exactly_the_ceiling(sections) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions: the scale path (SQLite takes one writer at a time)")
    page = article_publish(section=sections[("en", "economy")], title="Tenge")
    article = ArticleRef(id=page.pk, edition_id=page.locale_id)
    counter = DatabaseCounter(
        repeat_seconds=1800, reader_max_views=60, burst_readers=CEILING, burst_seconds=60
    )
    outcomes: list[Outcome] = []
    start = threading.Barrier(40)

    def read(n: int) -> None:
        try:
            start.wait()
            outcomes.append(counter.record(article=article, reader=network_reader(n), now=NOON)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(Outcome.COUNTED) == CEILING
    assert outcomes.count(Outcome.BURST) == 40 - CEILING
    assert NetworkBurstFlag.objects.get().refused == 40 - CEILING


class TestInflationReport:
    @pytest.fixture
    def flagged(self, seed_article, sections):
        hostile = article_publish(
            section=sections[("ru", "economy")], title="<script>alert(1)</script>", slug="hostile"
        )
        NetworkBurstFlag.objects.create(
            article=seed_article,
            edition_id=seed_article.locale_id,
            network="0f1e2d3c4b5a6978",
            day=NOON.date(),
            refused=170,
        )
        NetworkBurstFlag.objects.create(
            article=hostile,
            edition_id=hostile.locale_id,
            network="8899aabbccddeeff",
            day=NOON.date(),
            refused=12,
        )
        return seed_article, hostile

    def test_editors_see_the_flags_of_their_editions_escaped(self, flagged, editor_of, client) -> None:
        html = login(client, editor_of("en")).get(REPORT_URL).content.decode()
        assert "Kazakh and Russian Presidents held a meeting" in html
        assert "0f1e2d3c4b5a6978" in html and "170" in html
        assert "8899aabbccddeeff" not in html  # the ru edition is not theirs
        html = login(client, editor_of("ru")).get(REPORT_URL).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html

    def test_the_list_costs_the_same_queries_with_more_flags(
        self, flagged, admin_user, client, django_assert_max_num_queries
    ) -> None:
        login(client, admin_user)
        client.get(REPORT_URL)
        with django_assert_max_num_queries(40) as before:
            client.get(REPORT_URL)
        seed, _ = flagged
        for n in range(5):
            NetworkBurstFlag.objects.create(
                article=seed, edition_id=seed.locale_id, network=f"{n:016x}", day=NOON.date(), refused=n + 1
            )
        with django_assert_max_num_queries(len(before.captured_queries)):
            client.get(REPORT_URL)

    def test_users_who_edit_no_edition_are_refused(self, flagged, client, django_user_model) -> None:
        from django.contrib.auth.models import Permission

        user = django_user_model.objects.create_user(username="reader", password="x")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        response = login(client, user).get(REPORT_URL)
        assert response.status_code in (302, 403)
        assert "0f1e2d3c4b5a6978" not in response.content.decode()
        assert Client().get(REPORT_URL).status_code == 302  # anonymous: to the login page
