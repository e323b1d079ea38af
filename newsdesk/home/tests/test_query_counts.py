"""Exact query counts of the public pages (issue 15, part 6): measured, pinned, then measured
again after more data is added, so that an N+1 anywhere on the page fails the test.

Each page is read once first (the image renditions are made then), and then read uncached:
the page cache and the default cache (Wagtail's rendition cache, the most-viewed lists) are
emptied before the counted request.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import wagtail_factories
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from newsdesk.analytics.models import ArticleDailyViews
from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.timezone import to_almaty
from newsdesk.related.services import related_rebuild

# An article page: its own page, relevant news, most viewed, the edition switcher, the
# navigation and the corrections notes.
# Structured data and OpenGraph (issue 10) add 4: the section, the published translations,
# the listing photo and its three large renditions; tags and authors are prefetched once and
# reused by the byline and the tag list.
ARTICLE_QUERIES = 35
# A section page of 20 teasers, each with a listing photo (renditions prefetched).
SECTION_QUERIES = 20
# An edition's front page: lead, latest, one block per section, most viewed.
HOME_QUERIES = 31


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


def count_uncached(client: Client, url: str, django_assert_num_queries, expected: int) -> None:
    assert client.get(url).status_code == 200  # warm: renditions made, Wagtail's site cache
    # Uncached: no cached page, no rendition cache (renditions come with the listing), no
    # cached most-viewed list.
    caches["pages"].clear()
    caches["default"].clear()
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_article_section_and_home_cost_a_fixed_number_of_queries(
    sections: dict, client: Client, django_assert_num_queries
) -> None:
    articles = publish_batch(sections, count=24, start=0)
    politics = sections[("en", "politics")]
    article = articles[0]
    for round_ in range(2):
        count_uncached(client, article.url, django_assert_num_queries, ARTICLE_QUERIES)
        count_uncached(client, politics.url, django_assert_num_queries, SECTION_QUERIES)
        count_uncached(client, "/en/", django_assert_num_queries, HOME_QUERIES)
        # More of everything: the counts must not move.
        publish_batch(sections, count=12, start=100 * (round_ + 1))
