import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from newsdesk.operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump) and the media files into a new "
        "directory, with a manifest of row counts and checksums. Views buffered in Redis are "
        "flushed into the database first. See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A new (or empty) directory for the backup.")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            tally = backup_create(directory=directory)
        except (BackupError, OSError, sqlite3.Error, DatabaseError) as exc:
            raise CommandError(one_line(f"backup failed: {exc}")) from exc
        if options["verbosity"] > 0:
            self.stdout.write(f"Backed up into {directory}: {tally}")


def one_line(message: str) -> str:
    return " ".join(message.split())
