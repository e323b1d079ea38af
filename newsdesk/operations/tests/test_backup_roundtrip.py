"""Back up a working site while it writes, restore into a fresh instance, compare what
readers see: articles, images (same bytes) and view counts. Each instance is its own process
(newsdesk/operations/tests/roundtrip.py) with its own database and media folder."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from conftest import IN_CI, service_reachable
from newsdesk.operations.tests.roundtrip import WRITER_VIEWS, expected_image_sha256

ROOT = Path(__file__).resolve().parents[3]
RESTORE_DATABASE = "test_ops_restore"


def instance_env(tmp_path: Path, name: str, database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsdesk.operations.tests.roundtrip_settings",
        "DATABASE_URL": database_url,
        "DATABASE_TEST_NAME": "",
        "MEDIA_ROOT": str(tmp_path / f"{name}-media"),
        "REDIS_URL": "",
        "VIEW_COUNTER_BACKEND": "database",
        # Words only for relevant news: the embedding model would cost seconds per process.
        "RELATED_EMBEDDER": "newsdesk.editions.analysis.embeddings.NullEmbedder",
        **extra,
    }


def run_instance(action: str, directory: Path, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk.operations.tests.roundtrip", action, str(directory)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_nothing_lost(source: dict[str, Any], restored: dict[str, Any]) -> None:
    shown = restored["shown"]
    for slug, seen in source["expected"].items():
        assert shown.get(slug) == seen, slug  # title, liveness, image name and bytes, views
    assert source["expected"], "the source site had no articles"
    assert sum(seen["views"] for seen in source["expected"].values()) > 0
    # Everything the writer committed before the backup began is there; nothing it never
    # committed; and each of its stories is whole (one transaction each).
    written = {slug for slug in shown if slug.startswith("writer-")}
    assert len(source["before"]) >= 2
    assert set(source["before"]) <= written <= set(source["after"])
    for slug in written:
        assert shown[slug]["views"] == WRITER_VIEWS, slug
        assert shown[slug]["image_sha256"] == expected_image_sha256(slug), slug


def assert_second_restore_refused(directory: Path, env: dict[str, str]) -> None:
    """Restoring over a database that now has content is refused: exit 1, one line."""
    done = subprocess.run(
        [sys.executable, "manage.py", "operations_restore", str(directory)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "not empty" in lines[0] and "--force" in lines[0], done.stderr


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_while_writing_restores_into_a_fresh_instance(tmp_path, homes):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass runs this; the PostgreSQL one runs the pg_dump test")
    # A migrated site with its edition tree: a copy of the test database, made in a blink.
    source_file = tmp_path / "source.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(source_file)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    backup_dir = tmp_path / "backup"

    source = run_instance("source", backup_dir, instance_env(tmp_path, "source", f"sqlite:///{source_file}"))
    restored_env = instance_env(tmp_path, "restored", f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    restored = run_instance("restore", backup_dir, restored_env)

    assert_nothing_lost(source, restored)
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["engine"] == "sqlite"
    assert manifest["tables"]["wagtailimages_image"] == len(restored["shown"])
    assert "Restored from" in restored["output"]
    assert_second_restore_refused(backup_dir, restored_env)


@pytest.fixture
def restore_database() -> Any:
    """An empty database for the restored instance, dropped afterwards."""
    import psycopg

    admin = psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {RESTORE_DATABASE} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {RESTORE_DATABASE}")
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{RESTORE_DATABASE}"
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {RESTORE_DATABASE} WITH (FORCE)")
        admin.close()


@pytest.mark.scale
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_while_writing_restores_into_a_fresh_instance(
    tmp_path, homes, require_redis, request
):
    if connection.vendor != "postgresql":
        # The SQLite pass of `.ci/run`; the PostgreSQL pass (make test-scale) runs it.
        pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=postgres://...)")
    if not service_reachable("127.0.0.1", 5432):
        if IN_CI:
            pytest.fail("PostgreSQL must be reachable in CI for the pg_dump backup test")
        pytest.skip("PostgreSQL is not running at 127.0.0.1:5432")
    restore_url = request.getfixturevalue("restore_database")
    # The source counts views in Redis: they reach the backup only through the flush.
    prefix = f"test-ops-{uuid.uuid4().hex[:10]}"
    settings_dict = connection.settings_dict
    source_url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    source_env = instance_env(
        tmp_path,
        "source",
        source_url,
        REDIS_URL=require_redis,
        VIEW_COUNTER_BACKEND="redis",
        VIEW_COUNTER_REDIS_PREFIX=prefix,
    )
    backup_dir = tmp_path / "backup"
    try:
        source = run_instance("source", backup_dir, source_env)
    finally:
        import redis

        server = redis.Redis.from_url(require_redis)
        keys = list(server.scan_iter(match=f"{prefix}:*"))
        if keys:
            server.delete(*keys)
    restored_env = instance_env(tmp_path, "restored", restore_url)
    restored = run_instance("restore", backup_dir, restored_env)

    assert_nothing_lost(source, restored)
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql"
    assert manifest["database_file"] == "database.pgdump"
    assert "views applied" in manifest["views_flushed"]
    assert_second_restore_refused(backup_dir, restored_env)
