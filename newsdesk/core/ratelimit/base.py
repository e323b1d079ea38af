"""The rate-limit contract: fixed windows counted in a store where one hit is one atomic step.

A caller names what it limits (`Limit`: a key, an allowance and the window it is counted in)
and asks the store to count one hit against each; the store says whether the hit is allowed
and, if not, how long until the window that refused it is over.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol

from newsdesk.core.timezone import ALMATY, to_almaty


@dataclass(frozen=True)
class Window:
    """A fixed window: `label` names it in the store, `resets_at` is when the next one starts."""

    label: str
    resets_at: datetime


@dataclass(frozen=True)
class Limit:
    key: str
    limit: int
    window: Window


@dataclass(frozen=True)
class RateLimitDecision:
    allowed: bool
    retry_after: int = 0
    # Which Limit refused the hit (its key), empty when allowed.
    refused_by: str = ""
    # The primary store could not be reached and a fallback counted the hit.
    degraded: bool = False


class RateLimiter(Protocol):
    def hit(self, *, limits: Sequence[Limit], now: datetime) -> RateLimitDecision:
        """Count one hit against each limit in turn; stop at the first one over its allowance.

        A hit refused by a limit is not counted against the limits after it: a reader over
        their own allowance does not use up their network's.
        """
        ...

    def prune(self, *, now: datetime) -> int:
        """Forget windows that are over; the number of counters removed."""
        ...


def window_fixed(*, seconds: int, now: datetime) -> Window:
    """The `seconds`-long window containing `now`, aligned to the Unix epoch."""
    bucket = int(now.timestamp() // seconds)
    return Window(
        label=f"{seconds}s:{bucket}",
        resets_at=datetime.fromtimestamp((bucket + 1) * seconds, tz=now.tzinfo),
    )


def window_almaty_day(*, now: datetime) -> Window:
    """The Almaty calendar day containing `now` (the day the readers' daily salt belongs to).

    The next midnight is built from the next date, not by adding 24 hours: 29 February 2024
    had 25 hours in Almaty (UTC+6 became UTC+5).
    """
    today = to_almaty(now).date()
    next_midnight = datetime.combine(today + timedelta(days=1), time(0), tzinfo=ALMATY)
    return Window(label=f"d:{today.isoformat()}", resets_at=next_midnight)


def refused(*, limit: Limit, now: datetime, degraded: bool = False) -> RateLimitDecision:
    seconds = (limit.window.resets_at - now).total_seconds()
    return RateLimitDecision(
        allowed=False, retry_after=max(1, math.ceil(seconds)), refused_by=limit.key, degraded=degraded
    )
