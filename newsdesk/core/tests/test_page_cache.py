"""The page cache cannot be flooded, and editors' pages stay private (issue 15, item 3 and 5).

Requests go through the page cache as gunicorn's do (`PageCacheClient`). A hit is a response
served without one database query: the view never ran.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.middleware import TRACKING_PARAMETERS, query_is_cacheable, query_without_tracking
from newsdesk.core.pagecache.testing import PageCacheClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def words_only(settings):
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    # Entries must outlive a slow run of 1,000 requests (these tests are not about expiry).
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.fixture
def client() -> Client:
    return PageCacheClient()


@pytest.fixture
def article(sections):
    return article_publish(
        section=sections[("en", "economy")], title="Grain exports rise", paragraphs=["Grain exports rose."]
    )


def page_cache_entries() -> int:
    cache = caches["pages"]
    keys = getattr(cache, "keys", None)  # django-redis: this alias's keys only
    return len(keys("*")) if keys is not None else len(cache._cache)  # type: ignore[attr-defined]


def page_cache_empty() -> None:
    cache = caches["pages"]
    delete_pattern = getattr(cache, "delete_pattern", None)  # never FLUSHDB a shared Redis
    delete_pattern("*") if delete_pattern else cache.clear()


def queries_made(client: Client, url: str, **extra: Any) -> tuple[int, int]:
    """(status, number of queries) of one GET."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response.status_code, len(queries)


def test_the_query_string_without_tracking_parameters() -> None:
    assert query_without_tracking("utm_source=x&page=2&FBCLID=1&utm_campaign=a%20b&gclid=") == "page=2"
    assert query_without_tracking("q=%D0%B0&yclid=5&_openstat=x") == "q=%D0%B0"
    assert query_without_tracking("") == ""
    assert {"fbclid", "gclid", "yclid"} <= TRACKING_PARAMETERS


def test_only_parameters_a_page_reads_are_stored(settings) -> None:
    settings.PAGE_CACHE_QUERY_PARAMETERS = ["page"]
    assert query_is_cacheable("")
    assert query_is_cacheable("page=2&utm_source=x")
    assert not query_is_cacheable("page=2&x=1")


@pytest.mark.parametrize(
    "query",
    ["page=51", "page=99999", "page=02", "page=-1", "page=2&page=2", "page=abc", "period=" + "w" * 17],
)
def test_odd_or_deep_values_are_served_but_not_stored(settings, query: str) -> None:
    settings.PAGE_CACHE_QUERY_PARAMETERS = ["page", "period"]
    settings.PAGE_CACHE_MAX_PAGE = 50
    assert query_is_cacheable("page=50&period=week")
    assert not query_is_cacheable(query)


def test_tracking_variants_are_hits_on_the_article(client: Client, article) -> None:
    # The first visit comes from a campaign link: it fills the entry of the plain URL.
    assert queries_made(client, f"{article.url}?utm_source=telegram&utm_medium=social")[1] > 0
    entries = page_cache_entries()
    assert queries_made(client, article.url) == (200, 0)
    assert queries_made(client, f"{article.url}?fbclid=IwAR0abc&gclid=xyz&yclid=1") == (200, 0)
    assert page_cache_entries() == entries


def test_a_flood_of_variants_and_searches_leaves_the_article_cached(client: Client, article) -> None:
    client.get(article.url)
    assert queries_made(client, article.url) == (200, 0)
    entries = page_cache_entries()

    for n in range(500):
        response = client.get(f"{article.url}?utm_source=bot{n}&utm_content={n}&fbclid=F{n}")
        assert response.status_code == 200
    for n in range(500):
        assert client.get("/en/search/", {"q": f"grain{n}"}).status_code == 200

    assert page_cache_entries() == entries
    assert queries_made(client, article.url) == (200, 0)


def test_readers_cookies_do_not_split_the_entry(client: Client, article) -> None:
    client.get(article.url)
    entries = page_cache_entries()
    for n in range(200):  # every reader with an analytics cookie of their own
        cookie = f"_ga=GA1.2.{n}; _ga_XYZ=GS1.{n}; _ym_uid={n}; _fbp=fb.1.{n}"
        assert queries_made(PageCacheClient(), article.url, HTTP_COOKIE=cookie) == (200, 0)
    assert page_cache_entries() == entries


def test_a_page_with_a_csrf_token_is_not_stored(client: Client, article) -> None:
    client.get(f"/en/report-error/?article={article.pk}", HTTP_COOKIE="csrftoken=" + "a" * 32)
    assert page_cache_entries() == 0


def test_a_response_that_set_a_csrf_token_is_neither_public_nor_stored(rf, article) -> None:
    from django.http import HttpResponse

    from newsdesk.core.middleware import PublicPageCacheHeadersMiddleware

    middleware = PublicPageCacheHeadersMiddleware(lambda request: HttpResponse())
    request = rf.get(article.url)
    assert "public" in middleware.process_response(request, HttpResponse("page"))["Cache-Control"]
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # the page called get_token()
    assert middleware.process_response(request, HttpResponse("page"))["Cache-Control"] == "private"


def test_search_pages_are_never_cached(client: Client, article) -> None:
    client.get("/en/search/", {"q": "grain"})
    status, queries = queries_made(client, "/en/search/?q=grain")
    assert status == 200 and queries > 0
    assert page_cache_entries() == 0
    # The bare search page (no parameters) is kept out by its path alone.
    client.get("/en/search/")
    assert queries_made(client, "/en/search/")[1] > 0
    assert page_cache_entries() == 0


def test_other_query_strings_key_separately(client: Client, article) -> None:
    section_url = article.get_parent().url
    client.get(section_url)
    assert queries_made(client, section_url) == (200, 0)
    assert queries_made(client, f"{section_url}?page=2")[1] > 0  # its own entry...
    assert queries_made(client, f"{section_url}?page=2&utm_source=x") == (200, 0)  # ...then a hit
    entries = page_cache_entries()
    for n in range(20):  # a parameter no page reads is served, never stored
        assert queries_made(client, f"{section_url}?nonsense={n}")[0] == 200
    assert page_cache_entries() == entries


def test_signed_in_editors_get_private_pages_never_stored(client: Client, article) -> None:
    anonymous = client.get(article.url)
    assert "private" not in anonymous["Cache-Control"]
    assert "max-age=" in anonymous["Cache-Control"]

    editor = get_user_model().objects.create_superuser(username="editor", password="x", email="e@x.kz")
    signed_in = PageCacheClient()
    signed_in.force_login(editor)
    response = signed_in.get(article.url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    # Not the anonymous copy: the view ran for the editor.
    assert queries_made(signed_in, article.url)[1] > 0

    page_cache_empty()
    signed_in.get(article.url)
    assert page_cache_entries() == 0
    assert queries_made(client, article.url)[1] > 0  # the editor's page was not stored
