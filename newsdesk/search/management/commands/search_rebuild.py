"""Index every live article for the search page again (after a change to the analysis)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from newsdesk.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search documents of every live article."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = search_rebuild()
        self.stdout.write(
            f"search_rebuild: {count} articles indexed in {time.perf_counter() - started:.1f} s"
        )
