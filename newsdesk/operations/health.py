"""Readiness checks behind /readyz: each cheap, each named in the answer (docs/operations.md)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import caches
from django.db import DatabaseError, connection

from .selectors import heartbeat_states

CACHE_ALIASES = ("default", "pages")
PROBE_KEY = "operations:readyz:probe"
PROBE_SECONDS = 10

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    milliseconds: float

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "detail": self.detail, "ms": round(self.milliseconds, 2)}


def _timed(name: str, probe: Callable[[], tuple[bool, str]]) -> CheckResult:
    started = time.perf_counter()
    try:
        ok, detail = probe()
    except Exception as exc:  # a probe's failure is the answer, whatever it is
        # The public answer names the error's kind only: its text can hold hosts and paths.
        logger.warning("readiness check %s failed", name, exc_info=True)
        ok, detail = False, type(exc).__name__
    return CheckResult(name, ok, detail, (time.perf_counter() - started) * 1000)


def _database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        ok = cursor.fetchone() == (1,)
    return ok, "SELECT 1" if ok else "unexpected answer to SELECT 1"


def _cache(alias: str) -> Callable[[], tuple[bool, str]]:
    def probe() -> tuple[bool, str]:
        # A value of our own: django-redis with IGNORE_EXCEPTIONS answers None when Redis is
        # down, so reading back what was written is what tells.
        cache, token = caches[alias], uuid.uuid4().hex
        cache.set(PROBE_KEY, token, PROBE_SECONDS)
        ok = cache.get(PROBE_KEY) == token
        return ok, "set and read back" if ok else "a value written was not read back"

    return probe


def readiness_checks() -> list[CheckResult]:
    results = [_timed("database", _database)]
    results += [_timed(f"cache:{alias}", _cache(alias)) for alias in CACHE_ALIASES]
    started = time.perf_counter()
    try:
        states = heartbeat_states()
    except DatabaseError as exc:
        detail = f"heartbeats unreadable: {type(exc).__name__}"
        return [*results, CheckResult("heartbeats", False, detail, (time.perf_counter() - started) * 1000)]
    elapsed = (time.perf_counter() - started) * 1000
    for state in states:
        if state.age_seconds is None:
            results.append(CheckResult(state.name, False, "no heartbeat yet", elapsed))
        else:
            detail = f"last heartbeat {state.age_seconds:.0f} s ago"
            results.append(CheckResult(state.name, not state.late, detail, elapsed))
    return results
