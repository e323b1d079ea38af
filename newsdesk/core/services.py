import logging

from django.core.cache import caches

logger = logging.getLogger(__name__)


def page_cache_purge() -> None:
    """Drop every cached public page, e.g. after a publish, so readers see it at once.

    On Redis only the keys of the "pages" alias go (never counters or other values that
    share the server); elsewhere the alias has its own storage and is cleared.
    """
    cache = caches["pages"]
    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is not None:
        delete_pattern("*")
    else:
        cache.clear()
