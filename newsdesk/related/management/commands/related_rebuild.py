"""Re-analyse every live article and recompute relevant news and translation suggestions."""

from __future__ import annotations

import resource
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.related.services import related_rebuild


class Command(BaseCommand):
    help = "Recompute every article's relevant news and translation suggestions; prints time and memory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", action="append", default=[], help="Only this edition (repeatable).")
        parser.add_argument(
            "--keep-vectors",
            action="store_true",
            help="Reuse the stored article vectors (skip re-analysis); recompute the lists only.",
        )
        parser.add_argument(
            "--with-suggestions",
            action="store_true",
            help="Also recompute every article's translation suggestions (slow at scale).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = [code for code, _name in settings.LANGUAGES]
        unknown = [code for code in options["language"] if code not in known]
        if unknown:
            raise CommandError(f"unknown edition language {', '.join(unknown)} (known: {', '.join(known)})")
        verbose = options["verbosity"] > 1
        started = time.perf_counter()
        report = related_rebuild(
            languages=options["language"] or None,
            analyse=not options["keep_vectors"],
            suggestions=options["with_suggestions"],
            progress=(lambda message: self.stdout.write(message)) if verbose else None,
        )
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"related_rebuild: {report.articles} articles, {report.embedded} embedded, {report.lists} lists, "
            f"{report.suggestions} translation suggestions in {time.perf_counter() - started:.1f} s "
            f"(analyse {report.seconds.get('analyse', 0):.1f} s, lists {report.seconds.get('lists', 0):.1f} s, "
            f"suggestions {report.seconds.get('suggestions', 0):.1f} s); peak memory {peak_mib:.0f} MiB"
        )
