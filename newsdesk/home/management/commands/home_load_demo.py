from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.home.services import DEMO_CONTENT, demo_content_load


class Command(BaseCommand):
    help = "Create the three editions' page tree and load the demo articles (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEMO_CONTENT, help="Stories file (JSON).")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.exists():
            raise CommandError(f"demo content file is missing: {file}")
        try:
            tally = demo_content_load(path=file)
        except ValueError as exc:
            raise CommandError(f"demo content is malformed: {exc}") from exc
        if options["verbosity"]:
            self.stdout.write(f"Demo content: {tally}.")
