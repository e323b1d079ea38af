"""Writes of operations: heartbeats (backups live in `backup/`)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .models import Heartbeat

SCHEDULER = "scheduler"
WORKER_PREFIX = "worker:"


def worker_heartbeat_name(queue_name: str) -> str:
    return f"{WORKER_PREFIX}{queue_name}"


def heartbeat_record(*, name: str, now: datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now or timezone.now()})
