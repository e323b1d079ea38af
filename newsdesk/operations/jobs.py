"""Periodic job run by `manage.py core_scheduler` (listed in settings.PERIODIC_JOBS)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from . import services, task_queue
from .tasks import worker_heartbeat_task


def heartbeats_job() -> str:
    """Stamp the scheduler's heartbeat, and ask each worker for its own through its queue.

    A heartbeat task already waiting on a queue is not doubled: a stopped worker leaves one
    task behind, not one per tick.
    """
    now = timezone.now()
    services.heartbeat_record(name=services.SCHEDULER, now=now)
    enqueued = []
    for queue_name in settings.OPERATIONS_WORKER_QUEUES:
        if task_queue.task_pending(task_path=worker_heartbeat_task.module_path, queue_name=queue_name):
            continue
        worker_heartbeat_task.using(queue_name=queue_name).enqueue(queue_name)
        enqueued.append(queue_name)
    task_queue.task_results_prune(
        task_path=worker_heartbeat_task.module_path, before=now - task_queue.HEARTBEAT_RESULTS_KEEP
    )
    return f"heartbeat tasks enqueued on: {', '.join(enqueued)}" if enqueued else ""
