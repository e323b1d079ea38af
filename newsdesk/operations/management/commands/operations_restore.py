import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from newsdesk.operations.backup import BackupError, backup_restore

from .operations_backup import one_line


class Command(BaseCommand):
    help = (
        "Restore a backup made by operations_backup into this instance's database and media "
        "storage, which must be empty unless --force. Checks every checksum and row count. "
        "See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A directory written by operations_backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database and media storage that are not empty.",
        )

    def handle(self, *args: Any, directory: Path, force: bool = False, **options: Any) -> None:
        try:
            tally = backup_restore(directory=directory, force=force)
        except (BackupError, OSError, sqlite3.Error, DatabaseError) as exc:
            raise CommandError(one_line(f"restore failed: {exc}")) from exc
        if options["verbosity"] > 0:
            self.stdout.write(f"Restored from {directory}: {tally}")
