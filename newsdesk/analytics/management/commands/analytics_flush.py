from typing import Any

from django.core.management.base import BaseCommand, CommandError

from newsdesk.analytics.services import views_flush


class Command(BaseCommand):
    help = (
        "Move view counts buffered in Redis into the database (safe to run at any time, also "
        "while the scheduler runs) and forget expired reader state and finished days' salts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tally = views_flush()
        except Exception as exc:  # a failed flush loses nothing: the batch stays in Redis
            raise CommandError(f"flush failed, nothing lost (retry later): {exc}") from exc
        if options["verbosity"] > 0:
            self.stdout.write(str(tally))
