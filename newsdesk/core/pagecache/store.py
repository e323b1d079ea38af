"""The page entries in the "pages" cache alias (files on a laptop, Redis at scale).

Two things a plain `caches["pages"].get()` would not give the hit path:

- **A per-process copy for the file cache.** Unpickling and decompressing a 40 KB page on
  every hit costs more than the rest of the hit path. Each process keeps the entries it read,
  checked on every use against the file's identity (inode, size, mtime): a purge (the file
  deleted) or a new entry (a new file renamed into place) by any process is seen at once.
- **A breaker.** If the cache cannot be read or written (a full disk, an unreachable Redis),
  the error is logged and the cache is left alone for `PAGE_CACHE_RETRY_SECONDS`: pages are
  rendered as if nothing were cached, and no request waits for Redis's socket timeout twice.
  django-redis hides errors (IGNORE_EXCEPTIONS), so its client is called directly.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.filebased import FileBasedCache

from .config import config_generation
from .entries import PageEntry

logger = logging.getLogger(__name__)

R = TypeVar("R")
PURGED_AT_KEY = "pagecache:purged-at"
# Longer than any render: a render that began before a purge finds the mark when it ends.
PURGED_AT_SECONDS = 3600
FileIdentity = tuple[int, int, int]


def _raw(cache: BaseCache) -> Any:
    """django-redis: its client, which raises where the cache object swallows the error."""
    return getattr(cache, "client", None) or cache


class StoreState:
    """What every thread of the process shares: the copies of entries, the breaker."""

    def __init__(self) -> None:
        self.memory: dict[str, tuple[FileIdentity, PageEntry]] = {}
        self.paths: dict[str, str] = {}  # key -> its file (hashing it costs as much as a stat)
        self.down_until = 0.0


class PageStore:
    def __init__(
        self, cache: BaseCache, *, memory_entries: int, retry_seconds: float, state: StoreState | None = None
    ) -> None:
        self.cache = cache
        self.raw: Any = _raw(cache)
        self.files = cache if isinstance(cache, FileBasedCache) else None
        self.state = state or StoreState()
        self.memory = self.state.memory
        self.memory_entries = memory_entries
        self.retry_seconds = retry_seconds

    def _guarded(self, what: str, call: Callable[[], R], default: R) -> R:
        if self.state.down_until and time.monotonic() < self.state.down_until:
            return default
        try:
            result = call()
        except Exception:
            logger.warning(
                "page cache %s failed; cache skipped for %ss", what, self.retry_seconds, exc_info=True
            )
            self.state.down_until = time.monotonic() + self.retry_seconds
            return default
        self.state.down_until = 0.0
        return result

    def get(self, key: str) -> PageEntry | None:
        if self.files is None:
            entry = self._guarded("read", lambda: self.raw.get(key), None)
            return entry if isinstance(entry, PageEntry) else None
        path = self.state.paths.get(key)
        if path is None:
            path = self.files._key_to_file(key)  # type: ignore[attr-defined]  # Django's own file naming
            if len(self.state.paths) >= self.memory_entries * 4:
                self.state.paths.clear()
            self.state.paths[key] = path
        try:
            stat = os.stat(path)
        except OSError:
            self.memory.pop(key, None)
            return None
        identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        remembered = self.memory.get(key)
        if remembered is not None and remembered[0] == identity:
            return remembered[1]
        entry = self._guarded("read", lambda: self.files.get(key), None)  # type: ignore[union-attr]
        if not isinstance(entry, PageEntry):
            return None
        if len(self.memory) >= self.memory_entries:
            self.memory.clear()  # bounded; the busy pages come back at their next hit
        self.memory[key] = (identity, entry)
        return entry

    def set(self, key: str, entry: PageEntry, timeout: float) -> None:
        self._guarded("write", lambda: self.raw.set(key, entry, timeout), None)

    def purged_at(self) -> float:
        """When the last purge ran (0 if unknown): a render begun before it is not stored.
        Kept in the "default" alias, so that emptying the page alias leaves it in place."""
        value = self._guarded("read", lambda: _raw(caches["default"]).get(PURGED_AT_KEY), None)
        return float(value) if isinstance(value, (int, float)) else 0.0

    def mark_purged(self) -> None:
        try:
            _raw(caches["default"]).set(PURGED_AT_KEY, time.time(), PURGED_AT_SECONDS)
        except Exception:
            logger.exception("page cache purge mark failed")

    def delete_many(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        for key in keys:
            self.memory.pop(key, None)
        # Purges always try: they must not be skipped because a read failed a moment ago.
        try:
            self.raw.delete_many(keys)
        except Exception:
            logger.exception("page cache purge failed")

    def clear(self) -> None:
        """Every page entry; on Redis only this alias's keys, never other values on the server."""
        self.memory.clear()
        try:
            delete_pattern = getattr(self.raw, "delete_pattern", None)
            delete_pattern("*") if delete_pattern is not None else self.cache.clear()
        except Exception:
            logger.exception("page cache purge failed")


_state = StoreState()
_local = threading.local()


def page_store() -> PageStore:
    """This thread's store over its `caches["pages"]` (Django keeps cache objects per thread),
    sharing the process's copies of entries and its breaker. Looked up once per thread (and
    again after a test changes a setting): the look-up costs as much as the hit path's stat."""
    generation = config_generation()
    store: PageStore | None = getattr(_local, "store", None)
    if store is None or _local.generation != generation:
        store = PageStore(
            caches["pages"],
            memory_entries=settings.PAGE_CACHE_MEMORY_ENTRIES,
            retry_seconds=settings.PAGE_CACHE_RETRY_SECONDS,
            state=_state,
        )
        _local.store, _local.generation = store, generation
    return store


def page_store_forget() -> None:
    """Forget this process's copies and close the breaker (tests, after a failing cache)."""
    _state.memory.clear()
    _state.paths.clear()
    _state.down_until = 0.0
