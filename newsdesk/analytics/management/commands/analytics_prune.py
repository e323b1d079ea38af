from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.analytics.services import daily_views_prune


class Command(BaseCommand):
    help = (
        "Delete daily view rows older than --days Almaty days (default ANALYTICS_KEEP_DAYS). "
        "Article totals stay; most-viewed windows only read the last 30 days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ANALYTICS_KEEP_DAYS,
            help=f"Days of daily rows to keep, today included (default {settings.ANALYTICS_KEEP_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        # Most viewed reads up to 30 days back; pruning inside that would change it.
        if days < 31:
            raise CommandError(f"--days must be at least 31 (the longest most-viewed window), got {days}")
        tally = daily_views_prune(keep_days=days, dry_run=dry_run)
        if options["verbosity"] > 0:
            self.stdout.write(str(tally))
