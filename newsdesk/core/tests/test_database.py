"""The embedded database's connection settings (the scale path is PostgreSQL: nothing to check)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_sqlite_connections_sync_normally_and_checkpoint_every_10000_pages() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL: safe in WAL mode, no sync per commit
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == 10000
        cursor.execute("PRAGMA journal_size_limit")
        assert cursor.fetchone()[0] == 64 * 1024 * 1024
