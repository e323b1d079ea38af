from typing import Any

from django.core.management.base import BaseCommand

from newsdesk.home.services import edition_tree_ensure


class Command(BaseCommand):
    help = "Make sure each edition (ru, kk, en) has its home page and sections; no articles."

    def handle(self, *args: Any, **options: Any) -> None:
        homes = edition_tree_ensure()
        if options["verbosity"]:
            self.stdout.write(
                "Editions: " + ", ".join(f"{code} → {home.url_path}" for code, home in homes.items())
            )
