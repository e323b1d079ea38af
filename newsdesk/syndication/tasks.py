"""Background push to WebSub hubs and IndexNow endpoints (push.py), on the everyday queue."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import push

logger = logging.getLogger(__name__)


@task(queue_name="default")
def push_endpoint_task(kind: str, endpoint: str, urls: list[str], attempt: int = 1) -> bool:
    """Ping one endpoint; on failure enqueue the next attempt after a growing delay, at most
    SYNDICATION_PUSH_MAX_ATTEMPTS in all. Returns whether this attempt succeeded."""
    target = push.PushTarget(kind=kind, endpoint=endpoint, urls=tuple(urls))
    result = push.push_endpoint_notify(target=target)
    if result.ok:
        return True
    if attempt >= settings.SYNDICATION_PUSH_MAX_ATTEMPTS:
        logger.warning("push to %s gave up after %s attempts: %s", endpoint, attempt, result.error)
        return False
    retry = push_endpoint_task
    if retry.get_backend().supports_defer:
        retry = retry.using(run_after=timezone.now() + push.push_retry_delay(attempt=attempt))
    # A backend without deferral (the in-process one of tests and development) retries at once.
    retry.enqueue(kind, endpoint, list(urls), attempt + 1)
    return False


def push_article_enqueue(*, article_id: int) -> int:
    """One task per configured endpoint for this article; returns how many were enqueued."""
    targets = push.push_targets_for_article(article_id=article_id)
    for target in targets:
        push_endpoint_task.enqueue(target.kind, target.endpoint, list(target.urls))
    return len(targets)
