"""Polling partners' wires: the scheduler enqueues due wires, the worker ingests each one.

Backoff: a failing wire waits its interval doubled per failure in a row, capped by
WIRES_BACKOFF_MAX_MINUTES; a failure is recorded on its wire, never raised (docs/wires.md).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .fetch import FetchError
from .models import Wire
from .parsing import ParseError
from .services import IngestResult, error_line, ingest_wire

logger = logging.getLogger(__name__)


def wire_backoff(*, wire: Wire, failures: int) -> timedelta:
    """The wait before the next poll: the interval, doubled per failure in a row, capped."""
    minutes = wire.poll_minutes * (2 ** min(failures, 20))
    return timedelta(minutes=min(minutes, max(settings.WIRES_BACKOFF_MAX_MINUTES, wire.poll_minutes)))


def wire_poll(*, wire_id: int) -> IngestResult | None:
    """Ingest one wire and record the outcome on it (counts, last error, backoff)."""
    wire = Wire.objects.select_related("partner", "edition", "section").filter(pk=wire_id).first()
    if wire is None:
        return None
    try:
        result = ingest_wire(wire)
    except Exception as exc:
        if not isinstance(exc, (FetchError, ParseError)):
            logger.exception("wire %s failed", wire.pk)
        wire_poll_failed(wire=wire, reason=error_line(exc))
        return None
    wire_poll_succeeded(wire=wire, result=result)
    return result


def wire_poll_failed(*, wire: Wire, reason: str) -> None:
    now = timezone.now()
    failures = wire.failures + 1
    Wire.objects.filter(pk=wire.pk).update(
        last_polled_at=now,
        last_error=reason,
        failures=failures,
        next_poll_at=now + wire_backoff(wire=wire, failures=failures),
    )


def wire_poll_succeeded(*, wire: Wire, result: IngestResult) -> None:
    now = timezone.now()
    tally = result.tally
    counts = {}
    if not result.not_modified:
        counts = {
            "last_found": tally.found,
            "last_created": tally.created,
            "last_updated": tally.updated,
            "last_skipped": tally.skipped,
            "last_errors": tally.errors,
        }
    Wire.objects.filter(pk=wire.pk).update(
        last_polled_at=now,
        last_error="; ".join(result.problems)[:1000],
        failures=0,
        next_poll_at=now + timedelta(minutes=wire.poll_minutes),
        **counts,
    )


def wires_claim_due(*, now: datetime | None = None) -> list[int]:
    """Active wires whose poll is due; each is pushed one interval ahead so that it is
    enqueued once even if the worker is slow (wire_poll sets the real next poll)."""
    now = now or timezone.now()
    due = Wire.objects.filter(active=True).filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    claimed = []
    for wire in due.only("pk", "poll_minutes", "next_poll_at"):
        updated = Wire.objects.filter(pk=wire.pk, next_poll_at=wire.next_poll_at).update(
            next_poll_at=now + timedelta(minutes=wire.poll_minutes)
        )
        if updated:
            claimed.append(wire.pk)
    return claimed


@task(queue_name="default")
def wire_poll_task(wire_id: int) -> dict[str, int] | None:
    """Ingest one wire; a failure is recorded on the wire (backoff), never raised."""
    result = wire_poll(wire_id=wire_id)
    return result.tally.as_dict() if result is not None else None


def wires_poll_due() -> str:
    """Periodic job (settings.PERIODIC_JOBS): one task per due wire."""
    wire_ids = wires_claim_due()
    for wire_id in wire_ids:
        try:
            wire_poll_task.enqueue(wire_id)
        except Exception:  # one wire that cannot be enqueued never stops the others
            logger.exception("wire %s could not be enqueued", wire_id)
    return f"{len(wire_ids)} wire(s) enqueued" if wire_ids else ""
