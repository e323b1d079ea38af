"""Cached API responses: the "default" cache, keyed by the checked query and a generation.

/api/ is never in the page cache (core.middleware), so the API keeps its own. Every article
change (publish, unpublish, expiry, move, delete: `articles.signals.article_changed`, after the
commit) bumps the generation, so a withdrawn story leaves every cached response at once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

API_GENERATION_KEY = "syndication:api:generation"


def api_cache_forget(**kwargs: object) -> None:
    """Receiver of `article_changed`: drop every cached API response."""
    try:
        cache.incr(API_GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): any new value will do
        cache.set(API_GENERATION_KEY, time.time_ns(), None)


def api_response_cached(*, endpoint: str, key: str, build: Callable[[], Any]) -> Any:
    generation = cache.get(API_GENERATION_KEY, 0)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # tags and slugs are free text
    cache_key = f"syndication:api:v1:{generation}:{endpoint}:{digest}"
    data = cache.get(cache_key)
    if data is None:
        data = build()
        cache.set(cache_key, data, settings.API_CACHE_SECONDS)
    return data
