"""Reads of operations: heartbeats and what is late (the admin's warning, /readyz)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page, Revision

from . import task_queue
from .models import Heartbeat
from .services import SCHEDULER, worker_heartbeat_name

# Scheduled items named in the dashboard panel; the count covers the rest.
LATE_SCHEDULED_SHOWN = 5


@dataclass(frozen=True)
class HeartbeatState:
    name: str
    beat_at: datetime | None  # None: never seen
    age_seconds: float | None

    @property
    def late(self) -> bool:
        return self.age_seconds is None or self.age_seconds > settings.OPERATIONS_LATE_SECONDS


@dataclass(frozen=True)
class LateScheduledItem:
    title: str
    go_live_at: datetime
    object_id: str
    is_page: bool


@dataclass(frozen=True)
class Lateness:
    """Everything later than OPERATIONS_LATE_SECONDS; empty when all is on time."""

    scheduled_count: int = 0
    scheduled: list[LateScheduledItem] = field(default_factory=list)
    heartbeats: list[HeartbeatState] = field(default_factory=list)  # only the late ones
    oldest_task_since: datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.scheduled_count or self.heartbeats or self.oldest_task_since)


def heartbeat_names() -> list[str]:
    """Every process that should be beating: the scheduler and one worker per queue."""
    return [SCHEDULER, *(worker_heartbeat_name(q) for q in settings.OPERATIONS_WORKER_QUEUES)]


def heartbeat_states(*, now: datetime | None = None) -> list[HeartbeatState]:
    now = now or timezone.now()
    names = heartbeat_names()
    seen = dict(Heartbeat.objects.filter(name__in=names).values_list("name", "beat_at"))
    states = []
    for name in names:
        beat_at = seen.get(name)
        age = None if beat_at is None else max(0.0, (now - beat_at).total_seconds())
        states.append(HeartbeatState(name=name, beat_at=beat_at, age_seconds=age))
    return states


def lateness_get(*, now: datetime | None = None) -> Lateness:
    """Scheduled publishing, heartbeats and the task queue, compared with the limit.

    Scheduled items are Wagtail's approved revisions (`approved_go_live_at`): what
    `publish_scheduled` would publish. A draft whose go-live date passed without anyone
    publishing it was never scheduled and is not the scheduler's lateness.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OPERATIONS_LATE_SECONDS)
    late_revisions = Revision.objects.filter(approved_go_live_at__lt=cutoff).order_by("approved_go_live_at")
    scheduled_count = late_revisions.count()
    scheduled = []
    if scheduled_count:
        page_type = _page_content_type_id()
        for revision in late_revisions[:LATE_SCHEDULED_SHOWN]:
            scheduled.append(
                LateScheduledItem(
                    title=revision.object_str,
                    go_live_at=revision.approved_go_live_at,
                    object_id=revision.object_id,
                    is_page=revision.base_content_type_id == page_type,
                )
            )
    return Lateness(
        scheduled_count=scheduled_count,
        scheduled=scheduled,
        heartbeats=[state for state in heartbeat_states(now=now) if state.late],
        oldest_task_since=task_queue.ready_task_oldest_since(cutoff=cutoff),
    )


def _page_content_type_id() -> int:
    return ContentType.objects.get_for_model(Page).pk
