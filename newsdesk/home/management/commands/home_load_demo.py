from typing import Any

from django.core.management.base import BaseCommand, CommandError

from newsdesk.home.services import DEMO_CONTENT, demo_content_load


class Command(BaseCommand):
    help = "Create the three editions' page tree and load the demo articles (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not DEMO_CONTENT.exists():
            raise CommandError(f"demo content file is missing: {DEMO_CONTENT}")
        try:
            tally = demo_content_load()
        except (ValueError, KeyError) as exc:
            raise CommandError(f"demo content is malformed: {exc!r}") from exc
        if options["verbosity"]:
            self.stdout.write(f"Demo content: {tally}.")
