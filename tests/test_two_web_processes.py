"""Two web processes with separate local state over one PostgreSQL and one Redis (issue 12).

Web processes keep no state of their own (docs/deploy.md), so more of them can stand behind a
load balancer. Two gunicorn servers, A and B, each with its own temporary directories, share
a database created for this test and a Redis database of their own:

- both serve the article from their page cache; an editor signs in to A's admin over HTTP
  and publishes a new revision there; B serves the new title on the very next request
  (no task worker runs: purges may not wait for one);
- view beacons from distinct readers, split between A and B, add up exactly once the Redis
  counts are flushed into the database.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from benchmarks.loadtools import Gunicorn
from benchmarks.nginx_conf import free_port
from conftest import IN_CI, service_reachable

pytestmark = [pytest.mark.scale, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "test_bench_two"
# A Redis database of its own: the cache aliases' key prefixes are fixed in the settings.
REDIS = "redis://127.0.0.1:6379/12"
EDITOR, PASSWORD = "editor-two", "Two-processes-" + uuid.uuid4().hex[:12]
NEW_TITLE = "Presidents sign a water treaty in Almaty"
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
BEACONS = 240

SETUP = """
import json
from django.contrib.auth import get_user_model
from newsdesk.articles.models import ArticlePage
from newsdesk.home.services import demo_content_load, edition_tree_ensure

edition_tree_ensure()
demo_content_load(only={"seed"})
get_user_model().objects.create_superuser(%(editor)r, "editor@example.kz", %(password)r)
page = ArticlePage.objects.get(locale__language_code="en", slug="kazakh-and-russian-presidents-held-a-meeting")
# A reporter's draft, waiting for the editor to publish it.
page.title = %(title)r
page.save_revision()
print(json.dumps({"id": page.pk, "path": page.url}))
"""
COUNT = """
import json
from django.db.models import Sum
from newsdesk.analytics.models import ArticleDailyViews, ArticleViewTotal
print(json.dumps({
    "total": ArticleViewTotal.objects.filter(article_id=%(id)d).aggregate(s=Sum("views"))["s"] or 0,
    "daily": ArticleDailyViews.objects.filter(article_id=%(id)d).aggregate(s=Sum("views"))["s"] or 0,
}))
"""


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG_SERVER}/postgres", "-qc", sql], check=True, capture_output=True)


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"manage.py {args[0]}:\n{result.stderr[-3000:]}"
    return result.stdout


def redis_forget(prefixes: list[str]) -> None:
    import redis

    client = redis.Redis.from_url(REDIS)
    for prefix in prefixes:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


@dataclass
class Site:
    a: str
    b: str
    env: dict[str, str]
    article_id: int
    path: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not (service_reachable("127.0.0.1", 5432) and service_reachable("127.0.0.1", 6379)):
        if IN_CI:
            pytest.fail("PostgreSQL and Redis are required under CI=true")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 are needed")
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed")
    tmp = tmp_path_factory.mktemp("two-web")
    tag = uuid.uuid4().hex[:8]
    prefixes = [f"two-{tag}:views", f"two-{tag}:rl", "nd:", "nd-pages:"]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DATABASE_TEST_NAME", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings.dev",
        DJANGO_SECRET_KEY="two-web-processes-" + uuid.uuid4().hex,  # the same in both
        DATABASE_URL=f"{PG_SERVER}/{DATABASE}",
        REDIS_URL=REDIS,
        VIEW_COUNTER_REDIS_PREFIX=prefixes[0],
        RATE_LIMIT_REDIS_PREFIX=prefixes[1],
        TRUSTED_PROXY_COUNT="1",  # as behind the load balancer: X-Forwarded-For names the reader
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",  # no worker runs
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        RELATED_EMBEDDER="newsdesk.editions.analysis.embeddings.NullEmbedder",
        WEB_CONCURRENCY="1",
        LOG_LEVEL="ERROR",
    )
    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE}")
    redis_forget(prefixes)
    servers: list[Gunicorn] = []
    try:
        manage(env, "migrate", "--noinput", "-v0")
        setup = SETUP % {"editor": EDITOR, "password": PASSWORD, "title": NEW_TITLE}
        article = json.loads(manage(env, "shell", "-c", setup).strip().splitlines()[-1])
        bases = []
        for name in ("a", "b"):
            local = tmp / name  # each process's own directories
            port = free_port()
            process_env = dict(
                env,
                CACHE_DIR=str(local / "cache"),
                PAGE_CACHE_DIR=str(local / "pages"),
                MEDIA_ROOT=str(local / "media"),
                STATIC_ROOT=str(local / "static"),
                PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            )
            server = Gunicorn(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=process_env,
                log=tmp / f"{name}.log",
            )
            servers.append(server)
            server.start(f"http://127.0.0.1:{port}/api/analytics/ping/")
            bases.append(f"http://127.0.0.1:{port}")
        yield Site(bases[0], bases[1], env, article["id"], article["path"])
    finally:
        for server in servers:
            server.stop()
        redis_forget(prefixes)
        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def signed_in(base: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/admin/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    answer = session.post(
        f"{base}/admin/login/",
        data={"username": EDITOR, "password": PASSWORD, "csrfmiddlewaretoken": token[1], "next": "/admin/"},
        timeout=30,
    )
    assert answer.url.rstrip("/").endswith("/admin"), "the editor could not sign in"
    return session


def reader_get(url: str) -> requests.Response:
    return requests.get(url, headers={"User-Agent": CHROME}, timeout=30)


def test_a_publish_through_one_process_purges_what_the_other_serves(site: Site) -> None:
    for base in (site.a, site.b):
        reader_get(base + site.path)
        warm = reader_get(base + site.path)
        assert warm.headers.get("X-Cache") == "hit", f"{base} did not cache the article"
        assert "Kazakh and Russian Presidents held a meeting" in warm.text

    editor = signed_in(site.a)
    url = f"{site.a}/admin/bulk/wagtailcore/page/publish/?id={site.article_id}"
    confirm = editor.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.text)
    assert confirm.status_code == 200 and token is not None
    published = editor.post(url, data={"csrfmiddlewaretoken": token[1]}, timeout=60, allow_redirects=False)
    # Done, the editor is sent back to where the action began.
    assert published.status_code == 302, published.text[-2000:]

    seen_by_b = reader_get(site.b + site.path)
    assert NEW_TITLE in seen_by_b.text, (
        f"B still serves the old page (X-Cache: {seen_by_b.headers.get('X-Cache')})"
    )
    assert NEW_TITLE in reader_get(site.a + site.path).text


def test_views_counted_through_both_processes_add_up_exactly(site: Site) -> None:
    def beacon(n: int) -> bool:
        base = site.a if n % 2 else site.b
        answer = requests.post(
            f"{base}/api/analytics/views/",
            data=json.dumps({"article": site.article_id}),
            headers={
                "Content-Type": "application/json",
                "Origin": base,
                "User-Agent": CHROME,
                # A distinct reader each time: its own address, as the load balancer reports it.
                "X-Forwarded-For": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}",
            },
            timeout=30,
        )
        return answer.status_code == 200 and answer.json()["counted"] is True

    before = json.loads(
        manage(site.env, "shell", "-c", COUNT % {"id": site.article_id}).strip().splitlines()[-1]
    )
    with ThreadPoolExecutor(max_workers=16) as pool:
        counted = list(pool.map(beacon, range(1, BEACONS + 1)))
    assert all(counted), f"{counted.count(False)} beacons were not counted"

    manage(site.env, "analytics_flush", "-v0")
    after = json.loads(
        manage(site.env, "shell", "-c", COUNT % {"id": site.article_id}).strip().splitlines()[-1]
    )
    assert after["total"] - before["total"] == BEACONS
    assert after["daily"] - before["daily"] == BEACONS
