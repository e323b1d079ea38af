"""Exact query counts of the public pages (issue 15, part 6; issue 12): measured, pinned, then
measured again after more data is added, so that an N+1 anywhere on the page fails the test.

Each page is read once first (the image renditions are made then, and the page's fragments
rendered), and then read uncached (the page cache emptied): that is what a reader who misses
the page cache costs. Then again with the default cache (fragments, Wagtail's rendition cache,
the most-viewed lists) and the per-process fragment memo emptied too: the first reader after a
change.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import wagtail_factories
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from newsdesk.analytics.models import ArticleDailyViews
from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core import fragments
from newsdesk.core.timezone import to_almaty
from newsdesk.related.services import related_rebuild

# With the database counter the article's view count is one query and a most-viewed list two;
# the Redis counter (the scale path) reads both from Redis.
COUNTED_IN_DATABASE = settings.ANALYTICS_VIEW_COUNTER == "database"
VIEW_COUNT_QUERY = 1 if COUNTED_IN_DATABASE else 0
MOST_VIEWED_QUERIES = 2 if COUNTED_IN_DATABASE else 0

# An article page, its fragments and its route reused (newsdesk.core.fragments, core.routing):
# the view count (1) and the ids of its relevant news (1), the key of their block.
ARTICLE_QUERIES = 1 + VIEW_COUNT_QUERY
# The same with every fragment rendered again: the edition, the translations and homes of the
# switcher and hreflang, the navigation, the section and edition home, the photo renditions
# (sharing image; the lead photo's nine in one query, issue 14), tags and authors, the
# corrections notes and the most-viewed list; routed again (site, home in the language: 3, the
# article, whether any view restriction exists); the relevant news by id with their squares (2).
ARTICLE_QUERIES_COLD = 28 + VIEW_COUNT_QUERY + MOST_VIEWED_QUERIES
# A section page of 20 teasers, each with a listing photo, its route and its page of teasers
# reused (fragments by page number): nothing. Cold: the page of teasers (count, teasers,
# renditions: 3) among the rest.
SECTION_QUERIES = 0
SECTION_QUERIES_COLD = 14 + MOST_VIEWED_QUERIES  # view restrictions: one "any?" query
# An edition's front page, its route reused: everything (lead, latest, one block per section,
# most viewed) is fragments.
HOME_QUERIES = 0
HOME_QUERIES_COLD = 26 + MOST_VIEWED_QUERIES  # likewise


@pytest.fixture(autouse=True)
def words_only(settings):
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"


def publish_batch(sections: dict, *, count: int, start: int) -> list[ArticlePage]:
    """`count` articles with listing photos, spread over every English section, with views."""
    english = [s for (code, _slug), s in sections.items() if code == "en"]
    now = timezone.now()
    articles = []
    for n in range(start, start + count):
        section: SectionPage = english[n % len(english)] if n % 2 else sections[("en", "politics")]
        article = article_publish(
            section=section,
            title=f"Grain harvest report {n}",
            paragraphs=[f"The grain harvest in region {n} was large; farmers sold wheat abroad."],
            published_at=now - timedelta(minutes=n),
            listing_image=wagtail_factories.ImageFactory(title=f"photo {n}"),
        )
        article.tags.add("grain", f"region-{n}")
        article.save()
        ArticleDailyViews.objects.create(
            article=article, edition_id=article.locale_id, day=to_almaty(now).date(), views=100 + n
        )
        articles.append(article)
    related_rebuild(languages=["en"])
    return articles


def cache_empty(alias: str) -> None:
    # On Redis `clear()` is FLUSHDB: it would also drop the other alias (and other runs' keys).
    cache = caches[alias]
    delete_pattern = getattr(cache, "delete_pattern", None)
    delete_pattern("*") if delete_pattern else cache.clear()


def count_uncached(client: Client, url: str, django_assert_num_queries, expected: int, cold: int) -> None:
    assert client.get(url).status_code == 200  # warm: renditions made, fragments rendered
    cache_empty("pages")
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    # Cold: no fragment anywhere, no rendition cache (renditions come with the listing), no
    # cached most-viewed list.
    cache_empty("pages")
    cache_empty("default")
    fragments.memo.clear()
    with django_assert_num_queries(cold):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_article_section_and_home_cost_a_fixed_number_of_queries(
    sections: dict, client: Client, django_assert_num_queries
) -> None:
    articles = publish_batch(sections, count=24, start=0)
    politics = sections[("en", "politics")]
    article = articles[0]
    for round_ in range(2):
        count_uncached(client, article.url, django_assert_num_queries, ARTICLE_QUERIES, ARTICLE_QUERIES_COLD)
        count_uncached(client, politics.url, django_assert_num_queries, SECTION_QUERIES, SECTION_QUERIES_COLD)
        count_uncached(client, "/en/", django_assert_num_queries, HOME_QUERIES, HOME_QUERIES_COLD)
        # More of everything: the counts must not move.
        publish_batch(sections, count=12, start=100 * (round_ + 1))
