"""deploy/nginx/newsdesk.conf, run as written (benchmarks/nginx_conf.py swaps only its marked
addresses and paths), in front of a live server: pages are cached by the app's
Cache-Control, a publish purges them through Wagtail's frontend cache (PAGE_CACHE_PURGE_URL,
docs/caching.md), and editors' cookies or an Authorization header are never answered from,
nor stored in, the shared cache.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.signals import request_started

from benchmarks.nginx_conf import PURGE_MODULE, NginxProcess, Site, free_port, render
from conftest import IN_CI

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TITLE = "Kazakh and Russian Presidents held a meeting"


@dataclass
class Proxy:
    base: str  # the public server, as readers reach it

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[str, str]:
        """(X-Cache-Status, body) of a GET through nginx."""
        request = urllib.request.Request(self.base + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.headers["X-Cache-Status"], response.read().decode()


@pytest.fixture
def proxy(live_server, settings, tmp_path: Path) -> Iterator[Proxy]:
    if shutil.which("nginx") is None or not PURGE_MODULE.exists():
        if IN_CI:
            pytest.fail("nginx and libnginx-mod-http-cache-purge are required (make bench-tools)")
        pytest.skip("nginx with the cache-purge module is not installed (make bench-tools)")
    site = Site(
        upstreams=[live_server.url.removeprefix("http://")],
        port=free_port(),
        purge_port=free_port(),
        cache_dir=tmp_path / "cache",
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
    )
    nginx = NginxProcess(tmp_path / "nginx", render(site))
    base = f"http://127.0.0.1:{site.port}"
    # What the deployment sets (docs/deploy.md): readers' URL, and where the PURGEs go.
    settings.PUBLIC_BASE_URL = base
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "newsdesk.core.pagecache.proxy.TimedHTTPBackend",
            "LOCATION": f"http://127.0.0.1:{site.purge_port}",
        }
    }
    settings.PAGE_CACHE_SECONDS = 600
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    nginx.start(base + "/static/missing")
    try:
        yield Proxy(base)
    finally:
        nginx.stop()


def test_nginx_serves_the_new_version_once_a_publish_purged_it(proxy: Proxy, seed_article) -> None:
    from newsdesk.articles.models import ArticlePage

    path = seed_article.url
    assert proxy.get(path)[0] == "MISS"
    status, body = proxy.get(path)
    assert status == "HIT" and TITLE in body

    # A change that purges nothing leaves nginx serving its copy: the cache is real.
    ArticlePage.objects.filter(pk=seed_article.pk).update(title="Changed without a purge")
    status, body = proxy.get(path)
    assert status == "HIT" and TITLE in body

    seed_article.refresh_from_db()
    seed_article.title = "Presidents agree on a new water treaty"
    seed_article.save_revision().publish()

    status, body = proxy.get(path)
    assert status == "MISS", "the publish did not purge nginx's copy"
    assert "Presidents agree on a new water treaty" in body
    # The next hit is the new copy, not the old file nginx may still hold open (open_file_cache).
    status, body = proxy.get(path)
    assert status == "HIT" and "Presidents agree on a new water treaty" in body

    # And again after a second change: each stored copy replaces the last.
    seed_article.title = "Presidents sign the water treaty"
    seed_article.save_revision().publish()
    assert proxy.get(path)[0] == "MISS"
    status, body = proxy.get(path)
    assert status == "HIT" and "Presidents sign the water treaty" in body


@pytest.fixture
def app_requests() -> Iterator[list[str]]:
    """Paths of the requests that reached the app (the live server runs in this process)."""
    seen: list[str] = []

    def record(sender: object, environ: dict, **kwargs: object) -> None:
        seen.append(environ["PATH_INFO"])

    request_started.connect(record)
    yield seen
    request_started.disconnect(record)


@pytest.mark.parametrize(
    "headers",
    [{"Cookie": "sessionid=abc123"}, {"Cookie": "_ga=GA1.1; csrftoken=xyz"}, {"Authorization": "Bearer t"}],
    ids=["session cookie", "csrf cookie", "authorization"],
)
def test_editors_and_api_clients_bypass_the_shared_cache(
    proxy: Proxy, seed_article, app_requests: list[str], headers: dict[str, str]
) -> None:
    path = seed_article.url
    proxy.get(path)
    assert proxy.get(path)[0] == "HIT"
    app_requests.clear()

    status, _ = proxy.get(path, headers)
    assert status == "BYPASS" and app_requests == [path], "served from nginx's cache"
    # ...and not stored for the next anonymous reader either.
    assert proxy.get(path)[0] == "HIT" and app_requests == [path]


def test_other_cookies_share_the_anonymous_copy(proxy: Proxy, seed_article, app_requests: list[str]) -> None:
    """A reader's analytics cookie must not split the cache (nor escape a purge)."""
    path = seed_article.url
    proxy.get(path)
    assert proxy.get(path)[0] == "HIT"
    app_requests.clear()
    assert proxy.get(path, {"Cookie": "_ga=GA1.2.3; theme=dark"})[0] == "HIT"
    assert app_requests == []


def test_a_withdrawn_article_leaves_nginx_at_once_with_the_worker_not_running(
    proxy: Proxy, seed_article, settings
) -> None:
    """Unpublished with every task queued and none run: the PURGE is sent by the editor's
    request itself (core/pagecache/proxy.py), so nginx never serves the withdrawn page again."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "bulk"]}
    }
    path = seed_article.url
    proxy.get(path)
    assert proxy.get(path)[0] == "HIT"
    seed_article.unpublish()
    with pytest.raises(urllib.error.HTTPError) as gone:
        proxy.get(path)
    assert gone.value.code == 404
