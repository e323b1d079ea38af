"""Fixtures of the analytics tests: clean counters, caches and Redis keys for every test."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from newsdesk.analytics.counters import REDIS_ERRORS, counter_get
from newsdesk.analytics.services import live_article_forget
from newsdesk.core.services import page_cache_purge

BEACON_URL = "/api/analytics/views/"
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def cache_forget_most_viewed() -> None:
    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is not None:
        delete_pattern("analytics:*")  # shared Redis: touch only our keys
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def analytics_isolation(settings) -> Iterator[str]:
    """A Redis key prefix of the test's own, and no cached pages or most-viewed lists."""
    prefix = f"test-views-{uuid.uuid4().hex[:12]}"
    settings.ANALYTICS_REDIS_KEY_PREFIX = prefix
    counter_get.cache_clear()
    live_article_forget()  # ids come back after a rolled-back test
    cache_forget_most_viewed()
    page_cache_purge()
    yield prefix
    counter = counter_get()
    client = getattr(counter, "client", None)
    if client is not None:
        try:
            keys = list(client().scan_iter(match=f"{prefix}:*"))
            if keys:
                client().delete(*keys)
        except REDIS_ERRORS:
            pass  # a test pointed the counter at a closed port
    counter_get.cache_clear()
    live_article_forget()
    cache_forget_most_viewed()
    page_cache_purge()


def beacon(
    client: Client,
    article_id: object,
    *,
    user_agent: str = CHROME,
    ip: str = "203.0.113.7",
    **headers: Any,
):
    return client.post(
        BEACON_URL,
        data=json.dumps({"article": article_id}),
        content_type="application/json",
        HTTP_USER_AGENT=user_agent,
        REMOTE_ADDR=ip,
        **headers,
    )
