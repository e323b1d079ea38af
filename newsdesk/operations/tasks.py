"""The worker's heartbeat: a task the scheduler enqueues on each queue (docs/operations.md)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def worker_heartbeat_task(queue_name: str) -> None:
    """Run by whichever worker serves `queue_name`: that worker is alive and its queue drains."""
    services.heartbeat_record(name=services.worker_heartbeat_name(queue_name))
