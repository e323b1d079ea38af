"""Who the page cache serves and stores, and what it sends (issue 12, docs/caching.md).

Through `PageCacheClient`: Django's test client behind the same `PageCache` as gunicorn's
requests in `newsdesk/wsgi.py`. `X-Cache` tells what happened; a hit runs no query.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.pagecache.entries import entry_build
from newsdesk.core.pagecache.keys import page_key
from newsdesk.core.pagecache.policy import response_may_be_stored
from newsdesk.core.pagecache.store import page_store
from newsdesk.core.pagecache.testing import PageCacheClient, _cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def words_only(settings):
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"


@pytest.fixture
def client() -> PageCacheClient:
    return PageCacheClient()


@pytest.fixture
def article(sections):
    return article_publish(
        section=sections[("en", "economy")],
        title="Grain exports rise",
        paragraphs=["Grain exports rose."],
    )


def entries() -> int:
    cache = caches["pages"]
    keys = getattr(cache, "keys", None)
    return len(keys("*")) if keys is not None else len(cache._cache)  # type: ignore[attr-defined]


def get(client: PageCacheClient, url: str, **extra: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def test_a_second_anonymous_read_is_a_hit_without_a_query(client, article) -> None:
    first, _ = get(client, article.url)
    assert first["X-Cache"] == "miss"
    second, queries = get(client, article.url)
    assert (second.status_code, second["X-Cache"], queries) == (200, "hit", 0)
    assert second.content == first.content
    assert int(second["Content-Length"]) == len(first.content)


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_COOKIE": "csrftoken=" + "a" * 32},
        {"HTTP_COOKIE": "_ga=GA1.2.3; theme=dark"},  # one unknown cookie is enough
        {"HTTP_COOKIE": "django_language=kk"},
        {"HTTP_AUTHORIZATION": "Bearer secret"},
    ],
)
def test_readers_with_credentials_or_cookies_of_their_own_are_never_served_nor_stored(
    client, article, extra: dict[str, str]
) -> None:
    response, queries = get(client, article.url, **extra)
    assert (response["X-Cache"], entries()) == ("bypass", 0)
    get(client, article.url)  # an anonymous reader fills the entry
    response, queries = get(client, article.url, **extra)
    assert response["X-Cache"] == "bypass" and queries > 0


def test_analytics_cookies_are_served_the_cached_page(client, article) -> None:
    get(client, article.url)
    cookie = "_ga=GA1.2.1; _ga_ABC=GS1.1; _gid=GA1.2.2; _gat_UA1=1; _ym_uid=1; _ym_d=2; _fbp=fb.1; __utma=1"
    response, queries = get(client, article.url, HTTP_COOKIE=cookie)
    assert (response["X-Cache"], queries) == ("hit", 0)


def test_public_pages_set_no_cookies_cached_or_not(client, article) -> None:
    for url in (article.url, article.get_parent().url, "/en/"):
        for outcome in ("miss", "hit"):
            response = client.get(url)
            assert response["X-Cache"] == outcome
            assert "Set-Cookie" not in response and not response.cookies, url


def test_public_pages_tell_proxies_how_long_to_keep_them(client, article, settings) -> None:
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_BROWSER_SECONDS = 120, 10
    settings.PAGE_CACHE_STALE_SECONDS = 30
    directives = set(client.get(article.url)["Cache-Control"].split(", "))
    assert directives == {"public", "max-age=10", "s-maxage=120", "stale-while-revalidate=30"}
    not_found = client.get("/en/no-such-page/")
    assert not_found.status_code == 404 and "s-maxage=10" in not_found["Cache-Control"]
    assert entries() == 1  # 404s go to proxies briefly, never into our cache


def test_a_cached_article_still_carries_the_view_beacon(client, article) -> None:
    get(client, article.url)
    response, queries = get(client, article.url)
    assert (response["X-Cache"], queries) == ("hit", 0)
    assert f'data-view-beacon data-article="{article.pk}"'.encode() in response.content


def test_head_is_answered_from_the_entry_with_headers_only(client, article) -> None:
    page = client.get(article.url).content
    response = client.head(article.url)
    assert (response.status_code, response["X-Cache"], response.content) == (200, "hit", b"")
    assert int(response["Content-Length"]) == len(page)


def test_conditional_requests_are_answered_304(client, article) -> None:
    first = client.get(article.url)
    etag, modified = first["ETag"], first["Last-Modified"]
    again, queries = get(client, article.url, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again["X-Cache"], again.content, queries) == (304, "hit", b"", 0)
    assert again["ETag"] == etag and "public" in again["Cache-Control"]
    assert client.get(article.url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(article.url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_host_django_refuses_gets_its_400_even_for_a_cached_page(client, article, settings) -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    assert client.get(article.url)["X-Cache"] == "miss"
    assert client.get(article.url, HTTP_HOST="evil.example").status_code == 400
    assert client.get(article.url)["X-Cache"] == "hit"


def test_signed_in_editors_drafts_and_previews_never_enter_a_cache(article) -> None:
    editor = get_user_model().objects.create_superuser(username="editor", password="x", email="e@x.kz")
    desk = PageCacheClient()
    desk.force_login(editor)
    article.title = "Draft headline nobody may see"
    article.save_revision()

    draft = desk.get(f"/admin/pages/{article.pk}/view_draft/")
    assert draft.status_code == 200 and b"Draft headline" in draft.content
    preview_url = f"/admin/pages/{article.pk}/edit/preview/"
    form = nested_form_data(
        {
            "title": "Preview headline nobody may see",
            "slug": article.slug,
            "lead": "Lead.",
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
            "tags": "",
            "published_at": "",
            "initial_view_count": "0",
            "comments": inline_formset([]),
            "related_pins": inline_formset([]),
            "related_exclusions": inline_formset([]),
        }
    )
    assert desk.post(preview_url, form).json()["is_valid"]
    preview = desk.get(preview_url)
    assert preview.status_code == 200 and b"Preview headline" in preview.content
    signed_in_page = desk.get(article.url)
    assert "private" in signed_in_page["Cache-Control"]
    for response in (draft, preview, signed_in_page):
        assert "public" not in response.get("Cache-Control", "")
    assert entries() == 0

    anonymous = PageCacheClient().get(article.url)
    assert b"nobody may see" not in anonymous.content
    assert PageCacheClient().get(article.url)["X-Cache"] == "hit"
    assert b"nobody may see" not in PageCacheClient().get(article.url).content


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (200, [("Set-Cookie", "a=b")]),
        (200, [("Cache-Control", "public, max-age=1"), ("Set-Cookie", "a=b")]),
        (200, [("Cache-Control", "private")]),
        (200, [("Cache-Control", "public, no-store")]),
        (200, [("Cache-Control", "public, no-cache")]),
        (200, [("Cache-Control", "public"), ("Vary", "Accept-Language")]),
        (200, [("Cache-Control", "public"), ("Content-Encoding", "gzip")]),
        (200, []),  # not marked public by Django
        (301, [("Cache-Control", "public")]),
        (404, [("Cache-Control", "public")]),
        (500, [("Cache-Control", "public")]),
    ],
)
def test_responses_that_are_not_for_everyone_are_not_stored(status: int, headers: list) -> None:
    assert not response_may_be_stored(status, headers)


def test_a_public_page_varying_on_cookie_or_encoding_is_stored() -> None:
    headers = [("Cache-Control", "public, max-age=10"), ("Vary", "Cookie, Accept-Encoding")]
    assert response_may_be_stored(200, headers)
    # Accept-Language only where the negotiated language is part of the key.
    headers.append(("Vary", "Accept-Language"))
    assert not response_may_be_stored(200, headers)
    assert response_may_be_stored(200, headers, language_keyed=True)


def test_site_level_pages_are_keyed_by_the_negotiated_language(client, article) -> None:
    """/sitemap.xml has no edition prefix: Django varies it on Accept-Language."""
    assert client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en")["X-Cache"] == "miss"
    assert client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")["X-Cache"] == "hit"
    assert client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="kk")["X-Cache"] == "miss"
    assert client.get("/sitemap.xml")["X-Cache"] == "miss"  # no header: the default language
    assert client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="de, ru;q=0.5")["X-Cache"] == "hit"
    assert entries() == 3


def stale_entry(client: PageCacheClient, url: str) -> str:
    """Fill the entry of `url`, then age it past its freshness (within stale-while-revalidate)."""
    client.get(url)
    key = page_key("http", url, "")
    entry = page_store().get(key)
    assert entry is not None
    old = entry_build(
        status=entry.status,
        headers=list(entry.headers),
        body=entry.body,
        now=time.time() - 65,
        fresh=60,
        stale=30,
    )
    page_store().set(key, old, 60)
    return key


def test_a_stale_page_is_served_while_one_reader_renders_it_again(client, article, settings) -> None:
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 60, 30
    key = stale_entry(client, article.url)
    flight = _cache.flights.try_lead(key)  # another thread is rendering it
    assert flight is not None
    response, queries = get(client, article.url)
    assert (response["X-Cache"], queries) == ("stale", 0)
    _cache.flights.land(key, flight, None)

    assert client.get(article.url)["X-Cache"] == "miss"  # this reader renders it again
    assert client.get(article.url)["X-Cache"] == "hit"  # fresh for the next


def test_a_page_past_stale_while_revalidate_is_rendered(client, article, settings) -> None:
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 60, 3
    key = stale_entry(client, article.url)
    entry = page_store().get(key)
    assert entry is not None and not entry.is_usable(time.time() + 30)
    gone = entry_build(
        status=entry.status,
        headers=list(entry.headers),
        body=entry.body,
        now=time.time() - 200,
        fresh=60,
        stale=3,
    )
    page_store().set(key, gone, 60)
    assert client.get(article.url)["X-Cache"] == "miss"


def test_a_render_that_began_before_a_purge_is_not_stored(client, article, monkeypatch) -> None:
    from newsdesk.core.services import page_cache_purge

    original = _cache._store

    def purge_during_render(*args: Any) -> Any:
        page_cache_purge()  # the commit and its purge land while the page renders
        return original(*args)

    monkeypatch.setattr(_cache, "_store", purge_during_render)
    assert client.get(article.url)["X-Cache"] == "miss"
    monkeypatch.undo()
    assert entries() == 0
    assert client.get(article.url)["X-Cache"] == "miss"


def test_a_reader_that_missed_just_before_the_leader_stored_does_not_render_again(
    client, article, monkeypatch
) -> None:
    """After a purge, a reader finds nothing; before it joins the flight, the leader renders,
    stores and lands (its flight is gone). That reader must serve the stored page, not lead a
    second render: the bench saw 2 renders in one process after a purge."""
    renders: list[str] = []
    original_render = client.handler._render

    def counted_render(environ: dict) -> Any:
        renders.append(environ["PATH_INFO"])
        return original_render(environ)

    monkeypatch.setattr(client.handler, "_render", counted_render)
    original_join = _cache.flights.join
    raced: list[bool] = []

    def join_after_another_leader(key: str) -> Any:
        if not raced:
            raced.append(True)
            other = PageCacheClient()
            other.handler = client.handler  # the same process, another thread's reader
            assert other.get(article.url)["X-Cache"] == "miss"  # it renders and lands
        return original_join(key)

    monkeypatch.setattr(_cache.flights, "join", join_after_another_leader)
    response = client.get(article.url)
    assert (response["X-Cache"], len(renders)) == ("coalesced", 1)
    assert _cache.flights.flights == {}


def test_with_the_cache_off_nothing_is_looked_up_or_written(client, article, settings) -> None:
    assert client.get(article.url)["X-Cache"] == "miss"  # stored while the cache was on
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 0, 0
    assert client.get(article.url)["X-Cache"] == "bypass"  # not served from that entry
    caches["pages"].clear()
    for _ in range(2):
        assert client.get(article.url)["X-Cache"] == "bypass"
    assert entries() == 0
