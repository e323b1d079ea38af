"""A Kazakh article's Latin twin is purged with it (issue 13): a republish or an unpublish is
seen on /kk-latn/ by the very next reader, with the task worker NOT running (tasks are only
queued, as in test_withdrawn_means_gone.py), and the proxy is told both scripts' URLs.

Real commits, pages read through the page cache (`PageCacheClient`, as gunicorn's requests).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pytest
from django_tasks import default_task_backend
from django_tasks.backends.dummy import DummyBackend

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.core.pagecache.purge import PurgeTarget, proxy_urls, purge_targets_with_twins
from newsdesk.core.pagecache.testing import PageCacheClient
from newsdesk.editions.scripts import latin_path

pytestmark = pytest.mark.django_db(transaction=True)

QUEUED_ONLY = {
    "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "bulk"]}
}
TITLE = "Парламент жиналды"
NEW_TITLE = "Парламент заңды қабылдады"


@pytest.fixture(autouse=True)
def worker_not_running(settings) -> Iterator[None]:
    settings.TASKS = QUEUED_ONLY
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    settings.PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_BASE_URL = "http://news.example"
    # A proxy to tell; nothing listens, so the purge sent at the commit fails and its URLs are
    # queued for the worker (core/pagecache/proxy.py), which never runs here.
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "newsdesk.core.pagecache.proxy.TimedHTTPBackend",
            "LOCATION": "http://127.0.0.1:9",
        }
    }
    yield


@pytest.fixture
def article(sections) -> ArticlePage:
    article = article_publish(
        section=sections[("kk", "politics")],
        title=TITLE,
        slug="parlament",
        paragraphs=["Депутаттар жиналды."],
    )
    article.tags.add("парламент")
    with committed():
        article.save_revision().publish()
    return article


def both_scripts(article: ArticlePage) -> list[str]:
    cyrillic = [article.url, article.get_parent().url, "/kk/", "/kk/feeds/rss/"]
    return cyrillic + [latin_path(url) for url in cyrillic]


def warm(urls: list[str]) -> None:
    client = PageCacheClient()
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get(url)["X-Cache"] == "hit", url


def queued_proxy_urls() -> set[str]:
    urls: set[str] = set()
    for result in cast(DummyBackend, default_task_backend).results:
        if result.task.name == "purge_urls_from_cache_task":
            urls.update(result.args[0])
    return urls


def test_twin_targets_cover_every_kazakh_path_and_nothing_else() -> None:
    targets = purge_targets_with_twins(
        [
            PurgeTarget("/kk/politics/", listing=True),
            PurgeTarget("/kk/"),
            PurgeTarget("/ru/a/"),
            PurgeTarget("/sitemap.xml"),
        ]
    )
    assert targets == [
        PurgeTarget("/kk/politics/", listing=True),
        PurgeTarget("/kk-latn/politics/", listing=True),
        PurgeTarget("/kk/"),
        PurgeTarget("/kk-latn/"),
        PurgeTarget("/ru/a/"),
        PurgeTarget("/sitemap.xml"),
    ]
    assert "http://news.example/kk-latn/politics/?page=2" in proxy_urls(targets)


def test_a_republish_purges_both_scripts(article: ArticlePage) -> None:
    urls = both_scripts(article)
    warm(urls)
    default_task_backend.clear()  # type: ignore[attr-defined]
    article = ArticlePage.objects.get(pk=article.pk)
    article.title = NEW_TITLE
    with committed():
        article.save_revision().publish()

    client = PageCacheClient()
    for url in urls:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
    latin_html = client.get(latin_path(article.url)).content.decode()
    assert "Parlament zañdy qabyldady" in latin_html and NEW_TITLE not in latin_html
    assert "Parlament zañdy qabyldady" in client.get("/kk-latn/").content.decode()
    proxy = queued_proxy_urls()
    for url in (article.url, latin_path(article.url), "/kk-latn/", "/kk-latn/feeds/rss/"):
        assert f"http://news.example{url}" in proxy, url


def test_an_unpublish_removes_both_scripts(article: ArticlePage) -> None:
    urls = both_scripts(article)
    warm(urls)
    latin_url = latin_path(article.url)
    default_task_backend.clear()  # type: ignore[attr-defined]
    with committed():
        ArticlePage.objects.get(pk=article.pk).unpublish()
    assert f"http://news.example{latin_url}" in queued_proxy_urls()

    client = PageCacheClient()
    assert client.get(article.url).status_code == 404
    assert client.get(latin_url).status_code == 404
    for url in ("/kk-latn/", latin_path(article.get_parent().url)):
        html = client.get(url).content.decode()
        assert latin_url not in html and "Parlament jinaldy" not in html, url
