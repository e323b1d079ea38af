"""What operations reads from the task queue: django_tasks_db's table, when it is the backend.

Other backends (the immediate one in tests, a future Redis one) keep no table we can read:
there nothing is ever "waiting", and heartbeat tasks are simply enqueued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

# Finished heartbeat tasks kept for a look in the admin; older ones are deleted by the job.
HEARTBEAT_RESULTS_KEEP = timedelta(minutes=10)


def queue_is_database() -> bool:
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def ready_task_oldest_since(*, cutoff: datetime) -> datetime | None:
    """When the longest-waiting ready task became runnable, if that was before `cutoff`.

    A task waits from its enqueueing, or from its `run_after` when that is later.
    """
    if not queue_is_database():
        return None
    date_max = get_date_max()
    late = (
        DBTaskResult.objects.ready()
        .filter(enqueued_at__lt=cutoff)
        .filter(Q(run_after=date_max) | Q(run_after__lt=cutoff))
        .order_by("enqueued_at")
        .values_list("enqueued_at", "run_after")
        .first()
    )
    if late is None:
        return None
    enqueued_at, run_after = late
    return enqueued_at if run_after == date_max else max(enqueued_at, run_after)


def task_pending(*, task_path: str, queue_name: str) -> bool:
    """A task of this kind is already waiting on this queue (no second one is needed)."""
    if not queue_is_database():
        return False
    return DBTaskResult.objects.ready().filter(task_path=task_path, queue_name=queue_name).exists()


def task_results_prune(*, task_path: str, before: datetime) -> int:
    if not queue_is_database():
        return 0
    deleted, _ = DBTaskResult.objects.finished().filter(task_path=task_path, finished_at__lt=before).delete()
    return deleted
