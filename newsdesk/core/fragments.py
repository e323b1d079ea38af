"""Blocks of public pages rendered once and reused until what they show changes (issue 12).

Every fragment's key holds one shared *generation* number (in the "default" cache), which any
change a reader could see bumps after its transaction commits: a page saved, published,
unpublished, moved or deleted, an edition, site, correction note, byline, partner agency, tag
or image saved or deleted. Old keys are then never read again and expire.

A fragment is looked up first in a small per-process memo, then in the "default" cache. The
memo is keyed by the same generation, read from the shared cache once per request, so a bump
in one process is seen by every other process at its next request (docs/performance-render.md).
If the shared cache cannot tell the generation (Redis down), nothing is reused.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import translation
from wagtail.models import Page, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

T = TypeVar("T")

GENERATION_KEY = "fragments:generation"
KEY_PREFIX = "fragment:v1"
# Models whose rows fragments show (besides pages): saving or deleting one bumps the generation.
SOURCE_MODELS = (
    "editions.Edition",
    "corrections.CorrectionNote",
    "articles.Author",
    "articles.PartnerAgency",
    "taggit.Tag",
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailimages.Image",
    # Routing is kept per generation too (core.routing): a new restriction must be seen at once.
    "wagtailcore.PageViewRestriction",
)
_REQUEST_ATTRIBUTE = "_newsdesk_fragments_generation"
_COMPANIONS_ATTRIBUTE = "_newsdesk_generation_companions"
# Other apps' generation counters, read in the same round trip as the generation (one MGET on
# Redis): every uncached page reads them too (analytics: the most-viewed lists).
_companion_keys: list[str] = []


class _Memo:
    """A bounded, thread-safe LRU of (expiry, value) by key: the per-process copy."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[bool, Any]:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return False, None
            if entry[0] < time.monotonic():
                del self.entries[key]
                return False, None
            self.entries.move_to_end(key)
            return True, entry[1]

    def set(self, key: str, value: Any, timeout: float) -> None:
        size = settings.FRAGMENT_MEMO_ENTRIES
        if size <= 0:
            return
        with self.lock:
            self.entries[key] = (time.monotonic() + timeout, value)
            self.entries.move_to_end(key)
            while len(self.entries) > size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


memo = _Memo()


def generation_companion_register(key: str) -> None:
    """Read the counter at `key` with the fragments generation, once per request (an app's
    `ready()`); `generation_companion` then answers from the request."""
    if key not in _companion_keys:
        _companion_keys.append(key)


def generation_companion(key: str, *, request: HttpRequest | None, default: Any = 0) -> Any:
    """The value at `key` as read with this request's generation; read now without one."""
    known = getattr(request, _COMPANIONS_ATTRIBUTE, None) if request is not None else None
    if known is None or key not in known:
        return cache.get(key, default)
    value = known[key]
    return default if value is None else value


def fragments_generation(*, request: HttpRequest | None = None) -> int | None:
    """The current generation (read once per request), or None if the cache cannot tell."""
    if request is not None:
        known = getattr(request, _REQUEST_ATTRIBUTE, None)
        if known is not None:
            return known
    if request is not None and _companion_keys:
        found = cache.get_many([GENERATION_KEY, *_companion_keys])
        setattr(request, _COMPANIONS_ATTRIBUTE, {key: found.get(key) for key in _companion_keys})
        generation = found.get(GENERATION_KEY)
    else:
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First use, or evicted: any new value will do; `add` lets one process win a race.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    if request is not None and generation is not None:
        setattr(request, _REQUEST_ATTRIBUTE, generation)
    return generation


def fragments_forget() -> None:
    """Retire every fragment at once: the next request renders them again."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted)
        cache.set(GENERATION_KEY, time.time_ns(), None)


class _Bump:
    """One bump shared by the commit callbacks of one transaction: the first to run bumps."""

    done = False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            fragments_forget()


_pending = threading.local()


def fragments_forget_on_commit() -> None:
    """`fragments_forget` once the current transaction commits (at once outside one); many
    changes in one transaction bump once, and a rolled-back one not at all.

    Every change registers its own callback (a rolled-back savepoint drops only its own), all
    sharing one pending bump.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        fragments_forget()
        return
    bump = getattr(_pending, "bump", None)
    if bump is None or bump.done:
        bump = _pending.bump = _Bump()
    transaction.on_commit(bump)


@functools.cache
def fragments_release() -> str:
    """What the deployed code is called in fragment keys: blocks hold static files' hashed
    names and the templates' markup, so another release must not reuse them from the shared
    cache. FRAGMENT_RELEASE, else the static manifest's hash (read once per process)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    return settings.FRAGMENT_RELEASE or str(getattr(staticfiles_storage, "manifest_hash", "") or "")


def fragment_key(name: str, vary: tuple[Hashable, ...], generation: int) -> str:
    language = translation.get_language() or ""
    parts = ":".join(str(part) for part in vary)
    return f"{KEY_PREFIX}:{fragments_release()}:{generation}:{language}:{name}:{parts}"


def fragment_get_or_set(
    name: str,
    vary: tuple[Hashable, ...],
    render: Callable[[], T],
    *,
    request: HttpRequest | None,
    timeout: float | None = None,
    shared: bool = True,
) -> T:
    """`render()` once per generation, active language and `vary`, then reused.

    `shared=False` keeps the value in this process only (model instances, which are cheaper
    to rebuild than to unpickle). Editors' previews never read or write fragments.
    """
    if request is not None and getattr(request, "is_preview", False):
        return render()
    generation = fragments_generation(request=request)
    if generation is None:
        return render()
    seconds = settings.FRAGMENT_CACHE_SECONDS if timeout is None else timeout
    key = fragment_key(name, vary, generation)
    found, value = memo.get(key)
    if found:
        return value
    if shared:
        value = cache.get(key)
        if value is not None:
            memo.set(key, value, seconds)
            return value
    value = render()
    if shared:
        cache.set(key, value, seconds)
    memo.set(key, value, seconds)
    return value


# --- Signal wiring (connected in core.apps) -------------------------------------------------


def _changed(sender: type[Model], **kwargs: object) -> None:
    fragments_forget_on_commit()


def connect() -> None:
    # One receiver per model, never a catch-all: a post_delete receiver makes Django fetch
    # every row a queryset deletes (no fast delete), e.g. when old view counts are pruned.
    # post_save of a page is sent for its own class only; post_delete also for its Page row.
    for model in get_page_models():
        post_save.connect(_changed, sender=model, dispatch_uid=f"fragments_saved_{model._meta.label_lower}")
    post_delete.connect(_changed, sender=Page, dispatch_uid="fragments_page_deleted")
    for label in SOURCE_MODELS:
        post_save.connect(_changed, sender=label, dispatch_uid=f"fragments_saved_{label}")
        post_delete.connect(_changed, sender=label, dispatch_uid=f"fragments_deleted_{label}")
    page_published.connect(_changed, dispatch_uid="fragments_published")
    page_unpublished.connect(_changed, dispatch_uid="fragments_unpublished")
    post_page_move.connect(_changed, dispatch_uid="fragments_moved")
