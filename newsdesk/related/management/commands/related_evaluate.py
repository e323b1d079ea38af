"""Quality of relevant news, translation suggestions and search, measured with the site's code.

    manage.py related_evaluate                    # the corpora in ../shared/corpora
    manage.py related_evaluate --corpus set.jsonl # any labelled set (id, lang, text, title?, label?, group?)
    manage.py related_evaluate --json             # one JSON object: precision_at_5, cross_edition_top1, mrr_at_10

The parts measured are listed in settings.NEWSDESK_EVALUATIONS (relevant news and translations
here, search in the search app). See docs/search-and-related.md.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from newsdesk.related.evaluation import CorpusError, Item, corpus_embedder, load_jsonl, shared_corpora

FIGURES = ("precision_at_5", "cross_edition_top1", "mrr_at_10")


class Command(BaseCommand):
    help = "Measure relevant news (precision@5), translation suggestions (top-1) and search (MRR@10)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--corpus", action="append", type=Path, default=[], help="A JSONL labelled set (repeatable)."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object with the figures.")
        parser.add_argument("--no-embeddings", action="store_true", help="Words only (as with NullEmbedder).")
        parser.add_argument(
            "--only",
            choices=["related", "translations", "search"],
            action="append",
            default=[],
            help="Run some parts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            corpora: dict[str, list[Item]] = (
                {path.name: load_jsonl(path) for path in options["corpus"]}
                if options["corpus"]
                else shared_corpora(Path(settings.RELATED_CORPORA_DIR))
            )
        except CorpusError as error:
            raise CommandError(str(error)) from error
        parts = [import_string(path) for path in settings.NEWSDESK_EVALUATIONS]
        if options["only"]:
            parts = [p for p in parts if any(name in p.__name__ for name in options["only"])]
        cache = corpus_embedder(not options["no_embeddings"])
        combined: dict[str, dict[str, float]] = {name: {} for name in FIGURES}
        report: dict[str, Any] = {}
        for name, items in corpora.items():
            figures: dict[str, dict[str, float]] = {}
            started = time.perf_counter()
            for part in parts:
                figures.update(part(items, cache))
            seconds = time.perf_counter() - started
            report[name] = {"items": len(items), "seconds": round(seconds, 1), **figures}
            for figure, values in figures.items():
                for key, value in values.items():
                    # Per language over every corpus; one corpus per language in the shared set
                    # except SIB-200, whose figures are kept apart under "corpus: lang".
                    combined.setdefault(figure, {})[f"{name}: {key}" if len(corpora) > 1 else key] = round(
                        value, 4
                    )
            if not options["json"]:
                self._print(name, len(items), seconds, figures)
        if options["json"]:
            self.stdout.write(json.dumps({**combined, "corpora": report}, ensure_ascii=False, indent=2))

    def _print(self, name: str, count: int, seconds: float, figures: dict[str, dict[str, float]]) -> None:
        self.stdout.write(f"{name}: {count} items ({seconds:.0f} s)")
        labels = {
            "precision_at_5": "relevant news precision@5",
            "cross_edition_top1": "cross-edition top-1",
            "mrr_at_10": "search MRR@10",
        }
        for figure in FIGURES:
            values = figures.get(figure) or {}
            if values:
                shown = ", ".join(f"{key} {value:.3f}" for key, value in sorted(values.items()))
                self.stdout.write(f"  {labels[figure]}: {shown}")
