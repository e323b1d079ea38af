"""The counters' contract: what a backend is asked and the types it answers with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from newsdesk.core.readers import Reader


class Outcome(StrEnum):
    COUNTED = "counted"
    REPEAT = "repeat"  # the same reader within ANALYTICS_REPEAT_VIEW_SECONDS
    RATE_LIMITED = "rate_limited"  # the reader used up ANALYTICS_READER_MAX_VIEWS
    BURST = "burst"  # a new reader past ANALYTICS_NETWORK_BURST_READERS from one network
    # Redis failed after the view was sent: it may have counted it, so nothing else does
    # (never acknowledged as counted, never counted twice; docs/operations-faults.md).
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class ArticleRef:
    """What counting needs to know about a live article."""

    id: int
    edition_id: int


@dataclass
class FlushTally:
    batches: int = 0
    views: int = 0
    recovered: int = 0  # batches left behind by a flusher that was killed
    skipped: int = 0  # batches found already applied (killed after the commit)
    dropped: int = 0  # views of articles deleted before their batch was applied

    def __str__(self) -> str:
        return (
            f"{self.batches} batches, {self.views} views applied, {self.recovered} recovered, "
            f"{self.skipped} already applied, {self.dropped} dropped (deleted articles)"
        )


def burst_window_start(now: datetime, seconds: int) -> int:
    """The Unix time at which the burst window holding `now` began (UTC: no DST in it)."""
    return int(now.timestamp()) // seconds * seconds


class ViewCounter(Protocol):
    def record(self, *, article: ArticleRef, reader: Reader, now: datetime) -> tuple[Outcome, int]:
        """Count a reader's view unless it is a repeat or over the cap; return the outcome
        and the article's counted views afterwards (without its initial count)."""
        ...

    def counts(self, *, article_ids: Sequence[int]) -> dict[int, int]:
        """Counted views of each article, including any not yet in the database."""
        ...

    def flush(self) -> FlushTally:
        """Move buffered counts into the database (nothing to do for the database)."""
        ...
