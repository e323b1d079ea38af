"""SQLite: the online backup API, consistent while the site writes (WAL readers never block)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.db import connection

from .manifest import BackupError


def table_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: db.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0] for name in names}


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_dump(target: Path) -> dict[str, int]:
    """Copy the live database into `target` in one step (one read transaction: a snapshot),
    as a self-contained file (no WAL), and count its rows."""
    if connection.in_atomic_block:
        # Our own open transaction would hold the lock the copy waits for: it would never end.
        raise BackupError("cannot back up from inside a database transaction")
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the copied database fails SQLite's quick_check: {check}")
        return table_counts(copy)
    finally:
        copy.close()


def sqlite_target_path() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"cannot restore into an in-memory SQLite database ({name})")
    return Path(name)


def sqlite_is_empty(path: Path | None = None) -> bool:
    path = path or sqlite_target_path()
    if not path.exists() or path.stat().st_size == 0:
        return True
    db = sqlite3.connect(_read_only_uri(path), uri=True)
    try:
        return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    finally:
        db.close()


def sqlite_restore(source: Path, *, force: bool) -> dict[str, int]:
    """Copy the backup into the configured database file, which must be empty (or `force`)."""
    target = sqlite_target_path()
    connection.close()
    if not force and not sqlite_is_empty(target):
        raise BackupError(f"{target} is not empty: restore into a new file, or pass --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    backup = sqlite3.connect(_read_only_uri(source), uri=True)
    restored = sqlite3.connect(target)
    try:
        backup.backup(restored)
        restored.execute("PRAGMA journal_mode=WAL")
        return table_counts(restored)
    finally:
        restored.close()
        backup.close()
