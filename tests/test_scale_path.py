"""The two storage paths chosen by environment variables, exercised for real.

SQLite: concurrent writer processes never see "database is locked" (PITFALLS 1).
PostgreSQL and Redis: used when DATABASE_URL / REDIS_URL point at them (`make test-scale`);
an unreachable Redis must not take pages down (PITFALLS 3).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test import Client

from conftest import IN_CI, service_reachable
from newsdesk.core.pagecache.testing import PageCacheClient

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import django, sys
django.setup()
from django.db import connection, transaction
with connection.cursor() as c:
    c.execute("CREATE TABLE IF NOT EXISTS hits (writer TEXT, n INTEGER, UNIQUE (writer, n))")
for _ in range(int(sys.argv[2])):
    with transaction.atomic(), connection.cursor() as c:
        # read-then-write: the pattern that fails with SQLite's deferred transactions
        c.execute("SELECT COUNT(*) FROM hits WHERE writer = %s", [sys.argv[1]])
        c.execute("INSERT INTO hits VALUES (%s, %s)", [sys.argv[1], c.fetchone()[0]])
"""
COUNT = """
import django
django.setup()
from django.db import connection
with connection.cursor() as c:
    c.execute("SELECT COUNT(*) FROM hits")
    print(c.fetchone()[0])
"""


def test_concurrent_sqlite_writers_never_see_database_is_locked(tmp_path: Path) -> None:
    db = tmp_path / "concurrency.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings.dev",
        "REDIS_URL": "",
        "CACHE_DIR": str(tmp_path / "cache"),
        "PAGE_CACHE_DIR": str(tmp_path / "pages"),
    }
    writers, per_writer = 6, 50
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"w{i}", str(per_writer)],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    errors = [p.communicate(timeout=240)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, "\n".join(errors)
    assert not any("database is locked" in e for e in errors)
    out = subprocess.run(
        [sys.executable, "-c", COUNT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(out.stdout.strip()) == writers * per_writer


def test_sqlite_runs_in_wal_mode_with_immediate_transactions() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass (make test) checks SQLite's settings")
    options = django_settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


@pytest.mark.django_db
def test_postgresql_is_used_when_database_url_says_so() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs in the PostgreSQL pass (make test-scale, part of .ci/run)")
    if not service_reachable("127.0.0.1", 5432) and not IN_CI:
        pytest.skip("PostgreSQL is not running at 127.0.0.1:5432")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 130000


@pytest.mark.django_db
def test_pages_are_cached_in_redis_when_redis_url_says_so(seed_article, client: Client) -> None:
    if not os.environ.get("REDIS_URL"):
        pytest.skip("runs in the Redis pass (make test-scale, part of .ci/run)")
    import redis

    # Through the page cache as gunicorn serves it (newsdesk/wsgi.py), not Django alone.
    assert PageCacheClient().get(seed_article.url).status_code == 200
    server = redis.Redis.from_url(os.environ["REDIS_URL"])
    prefix = django_settings.CACHES["pages"]["KEY_PREFIX"]
    assert server.keys(f"{prefix}:*"), "the article page was not stored in Redis"


@pytest.mark.django_db
def test_unreachable_redis_does_not_take_pages_down(seed_article, client: Client, settings) -> None:
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    options = {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": 0.2,
        "SOCKET_TIMEOUT": 0.2,
    }
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": dead, "OPTIONS": options},
        "pages": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": dead, "OPTIONS": options},
    }
    for alias in ("default", "pages"):
        caches[alias].close()
    try:
        response = client.get(seed_article.url)
        assert response.status_code == 200
        assert "22.08.2021, 08:42" in response.content.decode()
        assert client.get("/en/").status_code == 200
    finally:
        for alias in ("default", "pages"):
            caches[alias].close()
