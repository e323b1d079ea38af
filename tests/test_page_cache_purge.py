"""Publishing purges what changed, not everything (issue 12, docs/caching.md).

Pages are read through the page cache (`PageCacheClient`, as gunicorn's requests) and warmed
first; `X-Cache` tells whether the next read was served from the cache. The proxy in front
is a real HTTP server on 127.0.0.1 that records the PURGE requests Wagtail's frontend cache
sends it. Tasks run in the test (ImmediateBackend).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.core.pagecache.testing import PageCacheClient

pytestmark = pytest.mark.django_db


@dataclass
class Proxy:
    purged: list[tuple[str, str]]  # (Host, path)

    def paths(self) -> set[str]:
        return {path for _host, path in self.purged}


@pytest.fixture
def proxy(settings) -> Iterator[Proxy]:
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self) -> None:  # noqa: N802 - the HTTP method's name
            seen.append((self.headers["Host"], self.path))
            # ngx_cache_purge answers 404 for a page it did not hold.
            self.send_response(404 if "not-cached" in self.path else 200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "newsdesk.core.pagecache.proxy.TimedHTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    settings.PUBLIC_BASE_URL = "http://news.example"
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    yield Proxy(seen)
    server.shutdown()
    server.server_close()


@dataclass
class Site:
    grain: ArticlePage  # en, economy, tagged "grain"
    other: ArticlePage  # kk, politics: shares nothing with it


@pytest.fixture
def site(sections, proxy: Proxy) -> Site:
    grain = article_publish(
        section=sections[("en", "economy")], title="Grain exports rise", paragraphs=["Grain."]
    )
    grain.tags.add("grain")
    with committed():
        grain.save_revision().publish()
    other = article_publish(
        section=sections[("kk", "politics")], title="Parliament sits", paragraphs=["Deputies met."]
    )
    proxy.purged.clear()
    return Site(grain=grain, other=other)


def grain_pages(site: Site) -> list[str]:
    return [
        site.grain.url,
        site.grain.get_parent().url,
        "/en/",
        "/en/tags/grain/",
        "/en/feeds/rss/",
        "/en/feeds/economy/rss/",
        "/en/feeds/tags/grain/rss/",
        "/sitemap.xml",
        "/sitemap-en-articles.xml",
        "/news-sitemap-en.xml",
    ]


def unrelated_pages(site: Site) -> list[str]:
    return [site.other.url, site.other.get_parent().url, "/kk/", "/en/politics/", "/kk/feeds/rss/"]


def warm(urls: list[str]) -> None:
    client = PageCacheClient()
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get(url)["X-Cache"] == "hit", url


def outcome(url: str) -> str:
    return str(PageCacheClient().get(url)["X-Cache"])


def test_republishing_purges_its_pages_feeds_and_sitemaps_and_nothing_else(site: Site, proxy: Proxy) -> None:
    warm(grain_pages(site) + unrelated_pages(site))
    article = ArticlePage.objects.get(pk=site.grain.pk)
    article.title = "Grain exports rise again"
    with committed():
        article.save_revision().publish()

    for url in grain_pages(site):
        assert outcome(url) == "miss", url
    for url in unrelated_pages(site):
        assert outcome(url) == "hit", url
    assert b"Grain exports rise again" in PageCacheClient().get(site.grain.url).content

    # The proxy was told the same URLs, with the public host, and none of the others.
    # (Wagtail's own handler adds the article's URL with its Site's host.)
    assert {("news.example", path) for path in grain_pages(site)} <= set(proxy.purged)
    assert "/en/economy/?page=2" in proxy.paths()
    assert not proxy.paths() & set(unrelated_pages(site))


def test_a_first_publish_purges_the_listings_it_joins(site: Site, sections) -> None:
    warm(["/en/", "/en/economy/", "/en/feeds/rss/"] + unrelated_pages(site))
    fresh = article_publish(
        section=sections[("en", "economy")], title="Wheat harvest ends", paragraphs=["W."]
    )
    for url in ("/en/", "/en/economy/", "/en/feeds/rss/"):
        assert outcome(url) == "miss", url
    assert fresh.url.encode() in PageCacheClient().get("/en/feeds/rss/").content
    assert outcome(site.other.url) == "hit"


def test_a_correction_note_purges_the_article_page_only(site: Site, proxy: Proxy) -> None:
    from newsdesk.corrections.services import correction_note_create

    warm([site.grain.url, "/en/", site.grain.get_parent().url, site.other.url])
    with committed():
        correction_note_create(article=site.grain, text="The figure was 2 million tonnes.", user=None)
    assert outcome(site.grain.url) == "miss"
    assert [outcome(url) for url in ("/en/", site.grain.get_parent().url, site.other.url)] == ["hit"] * 3
    assert proxy.paths() == {site.grain.url}


def test_a_confirmed_translation_purges_both_articles(site: Site) -> None:
    from newsdesk.related.services import translation_link_confirm

    warm([site.grain.url, site.other.url, "/en/", "/kk/"])
    with committed():
        translation_link_confirm(article=site.grain, candidate=site.other)
    assert [outcome(site.grain.url), outcome(site.other.url)] == ["miss", "miss"]
    assert [outcome("/en/"), outcome("/kk/")] == ["hit", "hit"]


def test_a_new_relevant_news_list_purges_the_page_that_shows_it(site: Site, sections) -> None:
    from newsdesk.related.services import related_refresh

    neighbour = article_publish(
        section=sections[("en", "economy")], title="Grain prices fall", paragraphs=["Grain exports."]
    )
    warm([site.grain.url, neighbour.url, "/en/", site.other.url])
    with committed():
        related_refresh(article_id=neighbour.pk)
    assert outcome(neighbour.url) == "miss"
    assert outcome(site.grain.url) == "miss"  # its list may now take the neighbour in
    assert [outcome("/en/"), outcome(site.other.url)] == ["hit", "hit"]


QUEUED_ONLY = {
    "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "bulk"]}
}


def queued_purges() -> list[list[str]]:
    from django_tasks import default_task_backend

    return [
        list(result.args[0])
        for result in default_task_backend.results  # type: ignore[attr-defined]
        if result.task.name == "purge_urls_from_cache_task"
    ]


def test_the_proxy_is_purged_at_the_commit_with_the_worker_not_running(
    site: Site, proxy: Proxy, settings
) -> None:
    settings.TASKS = QUEUED_ONLY
    article = ArticlePage.objects.get(pk=site.grain.pk)
    with committed():
        article.unpublish()
    # Sent by the request that unpublished, not by Wagtail's task (queued, never run here):
    # nginx stops serving the withdrawn page at once.
    assert ("news.example", site.grain.url) in proxy.purged


def test_an_unreachable_proxy_leaves_the_purge_to_the_worker(site: Site, proxy: Proxy, settings) -> None:
    import socket
    import time

    settings.TASKS = QUEUED_ONLY
    with socket.socket() as closed:  # a port nobody listens on: connection refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "newsdesk.core.pagecache.proxy.TimedHTTPBackend",
            "LOCATION": f"http://127.0.0.1:{port}",
        }
    }
    article = ArticlePage.objects.get(pk=site.grain.pk)
    article.title = "Grain exports rise once more"
    started = time.monotonic()
    with committed():
        article.save_revision().publish()
    assert time.monotonic() - started < 10
    assert ArticlePage.objects.get(pk=site.grain.pk).title == "Grain exports rise once more"
    # Our URLs, queued for the worker to retry (besides Wagtail's own page purge).
    assert any(f"http://news.example{site.grain.url}" in urls for urls in queued_purges())


def test_a_page_the_proxy_did_not_hold_is_no_failure_and_cyrillic_paths_are_encoded(
    proxy: Proxy, settings
) -> None:
    from newsdesk.core.pagecache.proxy import proxy_purge_urls

    settings.TASKS = QUEUED_ONLY
    proxy_purge_urls(["http://news.example/en/not-cached/", "http://news.example/ru/tags/зерно/"])
    # Percent-encoded UTF-8, as browsers send it and nginx keys it ($request_uri).
    assert proxy.paths() == {"/en/not-cached/", "/ru/tags/%D0%B7%D0%B5%D1%80%D0%BD%D0%BE/"}
    assert queued_purges() == []
