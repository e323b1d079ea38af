"""Photos in the blocks other apps render beside an article (issue 14): relevant news and most
viewed show small squares. Here, not in the articles app's tests: the layers keep articles
below the apps that list it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsdesk.analytics.models import ArticleDailyViews
from newsdesk.articles.models import TEASER_RENDITIONS
from newsdesk.articles.photos import ALL_RENDITIONS
from newsdesk.articles.tests.test_photos import SHARING, photo_article, tree, widths
from newsdesk.core.timezone import to_almaty
from newsdesk.related.services import related_rebuild

pytestmark = pytest.mark.django_db


def test_relevant_news_and_most_viewed_show_small_squares(sections, client: Client) -> None:
    first = photo_article(sections)
    second = photo_article(sections, slug="harvest-photographed-again")
    ArticleDailyViews.objects.create(
        article=second, edition_id=second.locale_id, day=to_almaty(second.display_date).date(), views=5
    )
    related_rebuild(languages=["en"])
    page = tree(client, first.url)
    for block in (".related-news", ".most-viewed"):
        img = page.select(f"{block} li picture img.teaser-thumb")[0]
        assert (img.get("width"), img.get("height")) == ("80", "80")
        assert img.get("loading") == "lazy" and img.get("alt") == ""
        assert widths(page.select(f"{block} li picture source")[0].get("srcset")) == ["80w", "160w"]
    made = set(second.listing_image.renditions.values_list("filter_spec", flat=True))
    assert made <= set(TEASER_RENDITIONS) | set(ALL_RENDITIONS) | set(SHARING)


def test_search_results_show_small_squares(sections, client: Client, django_assert_num_queries) -> None:
    photo_article(sections)
    page = tree(client, "/en/search/?q=harvest")
    img = page.select(".search-result picture img.teaser-thumb")[0]
    assert (img.get("width"), img.get("height")) == ("80", "80")
    assert img.get("loading") == "lazy" and img.get("alt") == ""
    # The squares come with the results' query (for_listing), not one query per hit.
    photo_article(sections, slug="harvest-photographed-again")
    with CaptureQueriesContext(connection) as first:
        tree(client, "/en/search/?q=harvest")
    photo_article(sections, slug="harvest-photographed-thrice")
    with django_assert_num_queries(len(first)):
        assert len(tree(client, "/en/search/?q=harvest").select(".search-result picture")) == 3
