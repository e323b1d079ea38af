"""Dropping the cached copies of given URLs, in the page cache and in the proxy in front.

The apps name what a change shows (`PurgeTarget`s: the article, its section with its
`?page=N` pages, its feeds...); `core` knows no app. Purges wait for the commit
(shared/PITFALLS.md 14) and are batched: one per transaction, or one per
`page_cache_purge_batch()` block outside a transaction (the article announcements).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from .keys import page_keys_for
from .store import page_store

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeTarget:
    """A public path to purge; a listing's `?page=N` pages go with it."""

    path: str
    listing: bool = False


# Every cached page (withdrawals, site structure); the proxy gets the other targets named
# with it (an exact proxy purge of everything would need a ban: docs/caching.md).
EVERYTHING = PurgeTarget("*")

_batch: contextvars.ContextVar[dict[PurgeTarget, None] | None] = contextvars.ContextVar(
    "page_cache_purge_batch", default=None
)


def purge_targets_with_twins(targets: Iterable[PurgeTarget]) -> list[PurgeTarget]:
    """The targets and, for a path under a prefix of PAGE_CACHE_TWIN_PREFIXES, the same path
    under each twin prefix (/kk/a/ and /kk-latn/a/: one page in two scripts)."""
    twins: dict[str, tuple[str, ...]] = getattr(settings, "PAGE_CACHE_TWIN_PREFIXES", {})
    expanded: dict[PurgeTarget, None] = {}
    for target in targets:
        expanded[target] = None
        for prefix, others in twins.items():
            if target.path.startswith(prefix) or target.path == prefix.rstrip("/"):
                rest = target.path[len(prefix) :]
                for other in others:
                    expanded[PurgeTarget(other + rest, listing=target.listing)] = None
    return list(expanded)


def page_cache_purge_now(targets: Iterable[PurgeTarget]) -> None:
    targets = purge_targets_with_twins(targets)
    if not targets:
        return
    store = page_store()
    store.mark_purged()
    if EVERYTHING in targets:
        store.clear()
    else:
        store.delete_many(key for t in targets for key in page_keys_for(t.path, listing=t.listing))
    proxy_purge(targets)


def proxy_urls(targets: Iterable[PurgeTarget]) -> list[str]:
    """Full URLs for the proxy: ngx_cache_purge 2.3 (Debian's) purges exact keys only, so a
    listing sends its first PAGE_CACHE_PROXY_PURGE_PAGES pages; deeper ones expire."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    urls: list[str] = []
    for target in targets:
        if target is EVERYTHING or target == EVERYTHING:
            continue
        urls.append(base + target.path)
        if target.listing:
            pages = range(2, settings.PAGE_CACHE_PROXY_PURGE_PAGES + 1)
            urls += [f"{base}{target.path}?page={n}" for n in pages]
    return urls


def proxy_purge(targets: Iterable[PurgeTarget]) -> None:
    """The proxy in front (`WAGTAILFRONTENDCACHE`): a PURGE per URL, now (`proxy.py`)."""
    from .proxy import proxy_purge_urls

    proxy_purge_urls(proxy_urls(targets))


@contextmanager
def page_cache_purge_batch() -> Iterator[None]:
    """Collect the purges asked for inside the block and run them once at its end."""
    if _batch.get() is not None:
        yield  # nested: the outer block runs them
        return
    collected: dict[PurgeTarget, None] = {}
    token = _batch.set(collected)
    try:
        yield
    finally:
        _batch.reset(token)
    page_cache_purge_now(collected)


def page_cache_purge_collect(targets: Iterable[PurgeTarget]) -> bool:
    """Add to the open batch, if any; False when there is none."""
    collected = _batch.get()
    if collected is None:
        return False
    for target in targets:
        collected[target] = None
    return True
