from __future__ import annotations

from django_tasks import task

from . import services


# Long jobs run on their own queue (a worker of their own in `make run`), so that they never
# hold up the newsroom's everyday tasks.
@task(queue_name="bulk")
def search_rebuild_task() -> None:
    """Every live article indexed again: after a change to the analysis (see migrations)."""
    services.search_rebuild()
