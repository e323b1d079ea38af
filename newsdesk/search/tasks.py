from __future__ import annotations

from django_tasks import task

from . import services


@task()
def search_index_task(article_id: int) -> None:
    services.search_document_update(article_id=article_id)


@task()
def search_unindex_task(article_id: int) -> None:
    services.search_document_delete(article_id=article_id)


@task()
def search_rebuild_task() -> None:
    """Every live article indexed again: after a change to the analysis (see migrations)."""
    services.search_rebuild()
