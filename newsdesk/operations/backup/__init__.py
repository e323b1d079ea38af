"""Backups of the whole site: database (SQLite online backup, or pg_dump), media files, and a
manifest of counts and checksums that a restore checks against (docs/operations.md).

One module per part, as in Wagtail's `contrib/frontend_cache/backends/`: `manifest`,
`sqlite`, `postgres`, `media`, and `runs` (the two procedures the commands call).
"""

from .manifest import BackupError, Manifest
from .runs import BackupTally, RestoreTally, backup_create, backup_restore

__all__ = ["BackupError", "BackupTally", "Manifest", "RestoreTally", "backup_create", "backup_restore"]
