"""Most viewed per edition over Almaty-day windows: ranking, cache, query counts, the page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.text import slugify

from newsdesk.analytics.models import ArticleDailyViews
from newsdesk.analytics.selectors import (
    PERIODS,
    article_list_most_viewed,
    article_list_most_viewed_for_period,
    period_since,
)
from newsdesk.analytics.views import ERROR_PERIOD
from newsdesk.articles.tests.factories import article_publish as _article_publish

from .conftest import cache_forget_most_viewed

pytestmark = pytest.mark.django_db
# 06:00 in Almaty (UTC+5): a quarter of today has passed.
NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


def article_publish(*, section, title, **fields):
    fields.setdefault("slug", slugify(title) or "article")
    return _article_publish(section=section, title=title, **fields)


def views_on(article, day: date, views: int) -> None:
    ArticleDailyViews.objects.create(article=article, edition_id=article.locale_id, day=day, views=views)


@pytest.fixture
def newsroom(sections):
    politics = sections[("en", "politics")]
    a = article_publish(section=politics, title="Today's story")
    b = article_publish(section=politics, title="Yesterday's story")
    c = article_publish(section=politics, title="Last week's story")
    d = article_publish(section=politics, title="Imported story", initial_view_count=90_000)
    ru = article_publish(
        section=sections[("ru", "politics")], title="Русская новость", slug="russkaya-novost"
    )
    views_on(a, TODAY, 30)
    views_on(b, TODAY - timedelta(days=1), 100)  # weighs 75 in the last 24 hours
    views_on(c, TODAY - timedelta(days=5), 500)
    views_on(c, TODAY - timedelta(days=20), 1000)
    views_on(ru, TODAY, 10_000)
    return {"a": a, "b": b, "c": c, "d": d, "ru": ru}


def titles(articles) -> list[str]:
    return [article.title for article in articles]


class TestWindows:
    @pytest.fixture(autouse=True)
    def at_six_in_almaty(self):
        with time_machine.travel(NOW, tick=False):
            yield

    def test_last_24_hours_weighs_yesterday_by_the_part_still_inside_the_window(self, newsroom) -> None:
        top = article_list_most_viewed(edition="en", since=period_since(period=PERIODS["day"]))
        assert titles(top) == ["Yesterday's story", "Today's story"]
        assert [a.views_in_period for a in top] == [75, 30]

    def test_last_24_hours_across_almatys_25_hour_day(self, sections) -> None:
        """29 February 2024 lasted 25 hours in Almaty (UTC+6 until 1 March 00:00, UTC+5 after).

        At 06:00 on 1 March the window began at 07:00 on 29 February (+06): 18 of that
        day's 25 hours are inside it. Subtracting wall times said 17 of 24.
        """
        article = article_publish(section=sections[("en", "politics")], title="Leap day story")
        views_on(article, date(2024, 2, 29), 1000)
        with time_machine.travel(datetime(2024, 3, 1, 1, 0, tzinfo=UTC), tick=False):
            since = period_since(period=PERIODS["day"])
            assert since == datetime(2024, 2, 29, 1, 0, tzinfo=UTC)
            top = article_list_most_viewed(edition="en", since=since)
        assert [a.views_in_period for a in top] == [720]

    def test_last_7_and_30_days(self, newsroom) -> None:
        week = article_list_most_viewed(edition="en", since=period_since(period=PERIODS["week"]))
        assert titles(week) == ["Last week's story", "Yesterday's story", "Today's story"]
        assert [a.views_in_period for a in week] == [500, 100, 30]
        month = article_list_most_viewed(
            edition=newsroom["a"].locale, since=period_since(period=PERIODS["month"])
        )
        assert [a.views_in_period for a in month][0] == 1500

    def test_imported_counts_other_editions_and_withdrawn_articles_take_no_part(self, newsroom) -> None:
        newsroom["b"].unpublish()
        week = article_list_most_viewed(
            edition=newsroom["a"].locale_id, since=period_since(period=PERIODS["week"])
        )
        assert titles(week) == ["Last week's story", "Today's story"]
        ru = article_list_most_viewed(edition="ru", since=period_since(period=PERIODS["week"]))
        assert titles(ru) == ["Русская новость"]

    def test_top_ten(self, sections) -> None:
        for n in range(12):
            views_on(article_publish(section=sections[("kk", "sport")], title=f"Sport {n}"), TODAY, n + 1)
        top = article_list_most_viewed(edition="kk", since=period_since(period=PERIODS["month"]))
        assert titles(top) == [f"Sport {n}" for n in range(11, 1, -1)]


class TestCostAndCache:
    @time_machine.travel(NOW, tick=False)
    def test_two_queries_whatever_the_number_of_articles_then_none_from_the_cache(
        self, newsroom, sections, django_assert_num_queries
    ) -> None:
        with django_assert_num_queries(2):
            first = article_list_most_viewed_for_period(edition="en", period=PERIODS["week"])
        for n in range(25):
            views_on(article_publish(section=sections[("en", "world")], title=f"World {n}"), TODAY, 1)
        cache_forget_most_viewed()
        with django_assert_num_queries(2):
            again = article_list_most_viewed_for_period(edition="en", period=PERIODS["week"])
        assert len(first) == 3 and len(again) == 10
        with django_assert_num_queries(0):
            assert titles(
                article_list_most_viewed_for_period(edition="en", period=PERIODS["week"])
            ) == titles(again)

    def test_the_article_pages_block_costs_pinned_queries(self, newsroom, django_assert_num_queries) -> None:
        from wagtail.models import Site

        template = Template("{% load analytics_tags %}{% most_viewed page %}")
        request = RequestFactory().get("/en/")
        Site.clear_site_root_paths_cache()  # a shared cache may hold them from another test
        with time_machine.travel(NOW, tick=False):
            # Scores, articles, then Wagtail's site and root paths for the links (once per request).
            with django_assert_num_queries(4):
                html = template.render(Context({"page": newsroom["a"], "request": request}))
            assert html.index("Last week&#x27;s story") < html.index("Yesterday&#x27;s story")
            assert 'class="is-current"><a href="/en/politics/todays-story/">' in html
            with django_assert_num_queries(0):
                template.render(Context({"page": newsroom["a"], "request": RequestFactory().get("/en/")}))

    def test_results_are_cached_for_at_most_a_minute(self, newsroom, settings) -> None:
        if "locmem" not in settings.CACHES["default"]["BACKEND"]:
            pytest.skip("time travel moves the local-memory cache's clock only")
        with time_machine.travel(NOW, tick=False):
            before = article_list_most_viewed_for_period(edition="en", period=PERIODS["week"])
            views_on(newsroom["d"], TODAY, 10_000)
            assert titles(
                article_list_most_viewed_for_period(edition="en", period=PERIODS["week"])
            ) == titles(before)
        with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
            assert (
                titles(article_list_most_viewed_for_period(edition="en", period=PERIODS["week"]))[0]
                == "Imported story"
            )


class TestMostViewedPage:
    @pytest.mark.parametrize(
        ("period", "first"),
        [("day", "Yesterday's story"), ("week", "Last week's story"), ("", "Last week's story")],
    )
    def test_per_period(self, newsroom, client, period: str, first: str) -> None:
        with time_machine.travel(NOW, tick=False):
            response = client.get(f"/en/most-viewed/?period={period}")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index(first.replace("'", "&#x27;")) < html.index("Today&#x27;s story")
        assert "Русская" not in html

    def test_a_bad_period_is_a_400_that_says_why(self, homes, client) -> None:
        response = client.get("/en/most-viewed/?period=year")
        assert response.status_code == 400
        assert ERROR_PERIOD in response.content.decode()

    def test_titles_are_escaped(self, sections, client) -> None:
        article = article_publish(section=sections[("en", "culture")], title="<script>alert(1)</script> Art")
        views_on(article, date.today(), 3)
        html = client.get("/en/most-viewed/?period=month").content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Art" in html
        assert "<script>alert(1)" not in html

    def test_the_block_links_to_the_editions_page(self, seed_article, client) -> None:
        html = client.get(seed_article.url).content.decode()
        assert 'href="/en/most-viewed/?period=week"' in html
