"""The two procedures behind `manage.py operations_backup` and `operations_restore`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from newsdesk.analytics.services import views_flush
from newsdesk.core.services import page_cache_purge

from .manifest import BackupError, Manifest, sha256_file
from .media import media_backup, media_is_empty, media_restore, media_verify
from .postgres import postgres_dump, postgres_is_empty, postgres_restore
from .sqlite import sqlite_dump, sqlite_is_empty, sqlite_restore

DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


@dataclass(frozen=True)
class BackupTally:
    manifest: Manifest

    def __str__(self) -> str:
        m = self.manifest
        size = sum(f.bytes for f in m.media)
        return (
            f"{m.engine} database: {len(m.tables)} tables, {sum(m.tables.values())} rows; "
            f"{len(m.media)} media files ({size / 1e6:.1f} MB), {len(m.media_vanished)} deleted while copying; "
            f"views flushed first: {m.views_flushed}"
        )


@dataclass(frozen=True)
class RestoreTally:
    engine: str
    tables: int
    rows: int
    media_files: int

    def __str__(self) -> str:
        return (
            f"{self.engine} database: {self.tables} tables, {self.rows} rows; {self.media_files} media files"
        )


def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def backup_create(*, directory: Path) -> BackupTally:
    """Views buffered in Redis go to the database first; then the database at one instant;
    then the media files (each written before its row committed, so every file the snapshot
    names is there); the manifest last."""
    engine = _engine()
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new directory")
    directory.mkdir(parents=True, exist_ok=True)
    flushed = str(views_flush())
    database_file = directory / DATABASE_FILES[engine]
    tables = sqlite_dump(database_file) if engine == "sqlite" else postgres_dump(database_file)
    media, vanished = media_backup(default_storage, directory)
    manifest = Manifest(
        engine=engine,
        database_file=database_file.name,
        database_sha256=sha256_file(database_file),
        created_at=timezone.now().isoformat(),
        tables=tables,
        media=media,
        media_vanished=vanished,
        views_flushed=flushed,
    )
    manifest.write(directory)
    return BackupTally(manifest)


def backup_restore(*, directory: Path, force: bool = False) -> RestoreTally:
    """Into a fresh instance: an empty database and media storage (`force` overwrites).

    Checks every checksum before writing, and every table's row count afterwards.
    """
    manifest = Manifest.read(directory)
    engine = _engine()
    if manifest.engine != engine:
        raise BackupError(f"this is a {manifest.engine} backup; the configured database is {engine}")
    database_file = directory / manifest.database_file
    if not database_file.is_file() or sha256_file(database_file) != manifest.database_sha256:
        raise BackupError(f"{database_file} is missing or differs from the manifest's checksum")
    media_verify(directory, manifest.media)
    # Refused before anything is written: a half-restored instance helps nobody.
    if not force:
        if not (sqlite_is_empty() if engine == "sqlite" else postgres_is_empty()):
            raise BackupError(f"the {engine} database is not empty: restore into a new one, or pass --force")
        if not media_is_empty(default_storage):
            raise BackupError("the media storage is not empty: restore into a new one, or pass --force")
    restore = sqlite_restore if engine == "sqlite" else postgres_restore
    counts = restore(database_file, force=force)
    differing = sorted(t for t, rows in manifest.tables.items() if counts.get(t) != rows)
    if differing:
        first = differing[0]
        raise BackupError(
            f"restored row counts differ in {len(differing)} tables, e.g. {first}: "
            f"{counts.get(first)} instead of {manifest.tables[first]}"
        )
    restored_files = media_restore(default_storage, directory, manifest.media)
    # A reused cache would still serve the pages of whatever was there before.
    page_cache_purge()
    return RestoreTally(
        engine=engine, tables=len(counts), rows=sum(counts.values()), media_files=restored_files
    )
