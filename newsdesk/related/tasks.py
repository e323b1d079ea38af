"""Background work of relevant news (django-tasks; the worker started by `make run`)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def related_refresh_task(article_id: int) -> None:
    services.related_refresh(article_id=article_id)


@task()
def related_refill_task(article_ids: list[int]) -> None:
    services.related_refill(article_ids=article_ids)


# Minutes at scale: on the long-jobs queue, never ahead of the newsroom's everyday tasks.
@task(queue_name="bulk")
def related_rebuild_task(languages: list[str]) -> None:
    """These editions' vectors and lists from scratch: after a change to the analysis."""
    services.related_rebuild(languages=languages)
