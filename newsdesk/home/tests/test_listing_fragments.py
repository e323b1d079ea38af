"""Section and tag listings render their teasers once per change and page number (issue 12),
and only for plain page numbers: anything else is rendered and kept nowhere."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from newsdesk.articles.models import ARTICLES_PER_PAGE, ArticlePage, listing_fragment_key
from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.core import fragments


@pytest.fixture(autouse=True)
def empty_memo(settings) -> None:
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    fragments.memo.clear()


@pytest.mark.parametrize(
    ("query", "key"),
    [("", 1), ("page=2", 2), ("page=50", 50), ("page=51", None), ("page=0", None), ("page=x", None),
     ("page=%D9%A3", None), ("page=1&page=2", None)],
)  # fmt: skip
def test_only_plain_page_numbers_are_kept(query: str, key: int | None) -> None:
    assert listing_fragment_key(RequestFactory().get(f"/en/politics/?{query}")) == key


@pytest.mark.django_db
def test_each_page_of_a_section_is_its_own_and_a_publish_shows_at_once(
    client: Client, sections: dict, django_assert_num_queries
) -> None:
    politics = sections[("en", "politics")]
    for n in range(ARTICLES_PER_PAGE + 1):
        article_publish(section=politics, title=f"Listing story {n:02d}")
    first, second = client.get(politics.url).content, client.get(politics.url + "?page=2").content
    assert b"Listing story 20" in first and b"Listing story 00" not in first
    assert b"Listing story 00" in second and b"Listing story 20" not in second
    with django_assert_num_queries(0):
        assert client.get(politics.url + "?page=2").content == second

    fresh = article_publish(section=politics, title="Listing story fresh")
    assert b"Listing story fresh" in client.get(politics.url).content
    with committed():  # the bump waits for the commit, as in a real request
        ArticlePage.objects.get(pk=fresh.pk).unpublish()
    assert b"Listing story fresh" not in client.get(politics.url).content


@pytest.mark.django_db
def test_a_page_number_outside_the_kept_range_is_rendered_each_time(
    client: Client, sections: dict, django_assert_num_queries
) -> None:
    politics = sections[("en", "politics")]
    article_publish(section=politics, title="Only story")
    url = politics.url + "?page=999"
    assert b"Only story" in client.get(url).content  # Django's paginator: the last page
    with django_assert_num_queries(2):  # count and teasers (no photos): nothing was kept
        assert b"Only story" in client.get(url).content


@pytest.mark.django_db
def test_a_tag_page_is_kept_per_tag(client: Client, sections: dict) -> None:
    grain = article_publish(section=sections[("en", "economy")], title="Grain story")
    grain.tags.add("grain")
    with committed():
        grain.save_revision().publish()
    steel = article_publish(section=sections[("en", "economy")], title="Steel story")
    steel.tags.add("steel")
    with committed():
        steel.save_revision().publish()
    assert b"Grain story" in client.get("/en/tags/grain/").content
    steel_page = client.get("/en/tags/steel/").content
    assert b"Steel story" in steel_page and b"Grain story" not in steel_page
