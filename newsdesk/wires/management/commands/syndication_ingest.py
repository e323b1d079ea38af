"""`manage.py syndication_ingest`: poll wires by hand, or try a feed that is not a wire yet.

A progress line per wire on stderr, a final tally; `--json` prints exactly one JSON object on
stdout. A feed that cannot be fetched or parsed at all ends the command with one line on
stderr and a non-zero exit, never a traceback (docs/wires.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import warnings
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from wagtail.models import Locale

from newsdesk.wires.jobs import wire_poll_failed, wire_poll_succeeded
from newsdesk.wires.models import Wire, WireFormat
from newsdesk.wires.services import IngestResult, Tally, error_line, ingest_url, ingest_wire

TALLY_KEYS = ("found", "created", "updated", "skipped", "errors")


@contextlib.contextmanager
def _quiet(verbosity: int) -> Iterator[None]:
    """Below --verbosity 2, library logs and warnings stay off stderr (one line per outcome)."""
    if verbosity >= 2:
        yield
        return
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)


def _item_json(outcome: Any, wire_id: int | None) -> dict[str, Any]:
    item = outcome.item
    return {
        "guid": item.guid,
        "title": item.title,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "url": item.url,
        "body_html": item.body_html,
        "action": outcome.action,
        "reason": outcome.reason,
        "wire": wire_id,
    }


class Command(BaseCommand):
    help = "Ingest partners' wires into drafts (all active wires, or --wire), or try a feed with --url."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wire", type=int, action="append", dest="wires", help="Wire id (repeatable).")
        parser.add_argument("--dry-run", action="store_true", help="Fetch and parse, write nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object on stdout.")
        parser.add_argument("--url", help="Try a feed that is not a wire yet (always a dry run).")
        parser.add_argument("--edition", default="", help="With --url: the edition's language code.")
        parser.add_argument("--format", default=WireFormat.AUTO, choices=[c.value for c in WireFormat])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with _quiet(options["verbosity"]):
                payload, failed, succeeded = self._run(options)
                # ASCII escapes: a partner's lone surrogate or any terminal encoding cannot break it.
                text = json.dumps(payload, ensure_ascii=True)
        except CommandError:
            raise
        except Exception as exc:  # the command's boundary: one line, never a traceback
            raise CommandError(error_line(exc)) from exc
        if failed and not succeeded:
            raise CommandError(failed[0])  # nothing was read: one line, no JSON
        if options["json"]:
            self.stdout.write(text)
        tally = payload["tally"]
        self.stderr.write("total: " + ", ".join(f"{key} {tally[key]}" for key in TALLY_KEYS))
        if failed:
            raise CommandError(failed[0])

    def _run(self, options: dict[str, Any]) -> tuple[dict[str, Any], list[str], int]:
        """The JSON payload, the failed feeds' lines, and how many feeds were read."""
        total = Tally()
        items: list[dict[str, Any]] = []
        failed: list[str] = []
        if options["url"]:
            edition = Locale.objects.filter(language_code=options["edition"] or "ru").first()
            if edition is None:
                raise CommandError(f"unknown edition {options['edition']!r}")
            try:
                result = ingest_url(url=options["url"], edition=edition, format=options["format"])
            except Exception as exc:
                raise CommandError(error_line(exc)) from exc
            self._progress(options["url"], result, dry_run=True)
            self._add(total, items, result, wire_id=None)
            return {"tally": total.as_dict(), "items": items, "dry_run": True}, failed, 1

        wires = Wire.objects.select_related("partner", "edition", "section").order_by("pk")
        if options["wires"]:
            wires = wires.filter(pk__in=options["wires"])
            missing = set(options["wires"]) - set(wires.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no wire with id {', '.join(map(str, sorted(missing)))}")
        else:
            wires = wires.filter(active=True)
        succeeded = 0
        for wire in wires:
            label = f"wire {wire.pk} ({wire.partner.name}: {wire.name})"
            try:
                result = ingest_wire(wire, dry_run=options["dry_run"])
            except Exception as exc:
                reason = error_line(exc)
                if not options["dry_run"]:
                    wire_poll_failed(wire=wire, reason=reason)
                failed.append(f"{label}: {reason}")
                total.errors += 1
                continue
            if not options["dry_run"]:
                wire_poll_succeeded(wire=wire, result=result)
            succeeded += 1
            self._progress(label, result, dry_run=options["dry_run"])
            self._add(total, items, result, wire_id=wire.pk)
        for line in failed[:-1]:
            self.stderr.write(line)
        payload = {"tally": total.as_dict(), "items": items, "dry_run": options["dry_run"]}
        return payload, failed[-1:], succeeded

    def _progress(self, label: str, result: IngestResult, *, dry_run: bool) -> None:
        tally = result.tally
        counts = ", ".join(f"{key} {getattr(tally, key)}" for key in TALLY_KEYS)
        note = " (not modified)" if result.not_modified else ""
        self.stderr.write(f"{'[dry run] ' if dry_run else ''}{label}: {counts}{note}")

    @staticmethod
    def _add(total: Tally, items: list[dict[str, Any]], result: IngestResult, *, wire_id: int | None) -> None:
        for key in TALLY_KEYS:
            setattr(total, key, getattr(total, key) + getattr(result.tally, key))
        items.extend(_item_json(outcome, wire_id) for outcome in result.outcomes)
