"""The page cache under load and when its storage fails (issue 12, docs/caching.md).

- after a purge, 50 concurrent readers of one article cause one render (a live HTTP server);
- two processes sharing the file cache see each other's purges at once;
- a full disk or an unreachable Redis still serves pages.
"""

from __future__ import annotations

import errno
import socket
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.core.handlers.wsgi import WSGIHandler

from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.pagecache.entries import entry_build
from newsdesk.core.pagecache.layer import PageCacheMiddleware
from newsdesk.core.pagecache.store import PageStore, StoreState, page_store_forget
from newsdesk.core.pagecache.testing import PageCacheClient
from newsdesk.core.services import page_cache_purge

READERS = 50


@pytest.fixture(autouse=True)
def words_only(settings) -> Iterator[None]:
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    yield
    page_store_forget()  # a failing cache's breaker must not outlive its test


class SlowRender:
    """The Django application, taking long enough for every reader to arrive during a render."""

    def __init__(self, app: Callable[..., Iterable[bytes]], seconds: float) -> None:
        self.app, self.seconds, self.renders = app, seconds, 0

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.renders += 1
        time.sleep(self.seconds)
        return self.app(environ, start_response)


@pytest.mark.django_db(transaction=True)
def test_fifty_readers_after_a_purge_cause_one_render(live_server, sections) -> None:
    article = article_publish(
        section=sections[("en", "economy")], title="Grain exports rise", paragraphs=["G."]
    )
    httpd = live_server.thread.httpd
    original = httpd.get_app()
    django_app = SlowRender(WSGIHandler(), seconds=0.5)
    httpd.set_app(PageCacheMiddleware(django_app))
    try:
        url = live_server.url + article.url
        assert urllib.request.urlopen(url, timeout=10).headers["X-Cache"] == "miss"
        page_cache_purge()
        django_app.renders = 0

        start = threading.Barrier(READERS)
        results: list[tuple[int, str, bytes]] = []

        def read() -> None:
            start.wait()
            with urllib.request.urlopen(url, timeout=30) as response:
                results.append((response.status, response.headers["X-Cache"], response.read()))

        threads = [threading.Thread(target=read) for _ in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        httpd.set_app(original)

    outcomes = Counter(outcome for _status, outcome, _body in results)
    assert len(results) == READERS and {status for status, _o, _b in results} == {200}
    assert django_app.renders == 1 and outcomes["miss"] == 1, outcomes
    assert outcomes["coalesced"] + outcomes["hit"] == READERS - 1 and outcomes["coalesced"] > 0, outcomes
    assert len({body for _s, _o, body in results}) == 1


def an_entry(body: bytes) -> Any:
    headers = [("Content-Type", "text/html"), ("Cache-Control", "public, max-age=10")]
    return entry_build(status="200 OK", headers=headers, body=body, now=time.time(), fresh=60, stale=30)


def test_two_processes_sharing_the_file_cache_see_purges_and_new_entries_at_once(tmp_path) -> None:
    files = FileBasedCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 100}})
    one = PageStore(files, memory_entries=10, retry_seconds=5, state=StoreState())
    other = PageStore(files, memory_entries=10, retry_seconds=5, state=StoreState())

    one.set("page:a", an_entry(b"first"), 90)
    assert other.get("page:a").body == b"first"
    # The next read is the process's own copy: the file is only checked, not read.
    files_get, files.get = files.get, lambda *a, **k: pytest.fail("read the file again")  # type: ignore[method-assign]
    assert other.get("page:a").body == b"first"
    files.get = files_get  # type: ignore[method-assign]

    time.sleep(0.01)  # a new file: another inode or mtime
    one.set("page:a", an_entry(b"second"), 90)
    assert other.get("page:a").body == b"second"
    one.delete_many(["page:a"])
    assert other.get("page:a") is None


class FullDiskCache(FileBasedCache):
    """A file cache on a full disk: every write fails as the kernel says so."""

    def set(self, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def add(self, *args: Any, **kwargs: Any) -> bool:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.django_db
def test_a_full_disk_under_the_file_cache_still_serves_pages(settings, sections, tmp_path) -> None:
    article = article_publish(
        section=sections[("en", "economy")], title="Grain exports rise", paragraphs=["G."]
    )
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": f"{__name__}.FullDiskCache", "LOCATION": str(tmp_path)},
    }
    for _ in range(3):
        response = PageCacheClient().get(article.url)
        assert response.status_code == 200 and b"Grain exports rise" in response.content
        assert response["X-Cache"] == "miss"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.django_db
def test_an_unreachable_redis_still_serves_pages(settings, sections) -> None:
    article = article_publish(
        section=sections[("en", "economy")], title="Grain exports rise", paragraphs=["G."]
    )
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        },
    }
    started = time.monotonic()
    for _ in range(5):
        response = PageCacheClient().get(article.url)
        assert response.status_code == 200 and b"Grain exports rise" in response.content
    assert time.monotonic() - started < 5


@pytest.mark.scale
@pytest.mark.django_db
def test_hits_come_from_redis_on_the_scale_path(settings, sections) -> None:
    if "django_redis" not in settings.CACHES["pages"]["BACKEND"]:
        pytest.skip("needs REDIS_URL")
    article = article_publish(
        section=sections[("en", "economy")], title="Grain exports rise", paragraphs=["G."]
    )
    assert PageCacheClient().get(article.url)["X-Cache"] == "miss"
    assert PageCacheClient().get(article.url)["X-Cache"] == "hit"
    page_cache_purge()
    assert PageCacheClient().get(article.url)["X-Cache"] == "miss"
