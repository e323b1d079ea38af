"""Group commit: concurrent counts of one process written in one transaction or round trip."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False)
class _Waiting(Generic[Item, Result]):
    record: Item
    # Released once: when its batch is written, or when it is handed the writer's role. A
    # held lock is the cheapest one-shot signal (an Event is a Condition and two locks).
    wake: threading.Lock = field(default_factory=_held_lock)
    done: bool = False
    result: Result | None = None
    error: BaseException | None = None


class GroupCommit(Generic[Item, Result]):
    """Counts of one process written a batch per transaction (group commit).

    On a SQLite file every writer takes the same lock; with one transaction per beacon the
    web threads spend their time handing that lock (and the GIL) to each other. Here one
    thread at a time is the writer: once it holds the write lock (other processes may be
    writing), it takes everything queued so far and writes it in one transaction, its own
    record included. When it is done it wakes the threads of that batch and hands the
    writer's role to the first thread still queued, so every waiting thread is woken once.
    An uncontended beacon writes itself, with no hand-over at all. A beacon is answered only
    after the transaction holding its record has committed.

    The Redis counter uses it too: there a batch is one pipelined round trip.
    """

    MAX_BATCH = 500

    def __init__(
        self,
        apply: Callable[[list[Item]], list[Result]],
        lock: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext,
        *,
        retry_each: bool = True,
    ) -> None:
        self._apply = apply
        self._lock = lock
        self._retry_each = retry_each
        self._mutex = threading.Lock()
        self._queue: list[_Waiting[Item, Result]] = []
        self._writing = False

    def submit(self, record: Item) -> Result:
        waiting: _Waiting[Item, Result] = _Waiting(record)
        with self._mutex:
            self._queue.append(waiting)
            writer = not self._writing
            self._writing = True
        if not writer:
            waiting.wake.acquire()  # until its batch is written, or it is handed the writer's role
            writer = not waiting.done
        if writer:
            try:
                # Its own record may be queued behind MAX_BATCH others: then it writes again.
                while not waiting.done:
                    with self._lock():
                        with self._mutex:
                            batch, self._queue = self._queue[: self.MAX_BATCH], self._queue[self.MAX_BATCH :]
                        self.write(batch)
            finally:
                with self._mutex:
                    if not waiting.done and waiting in self._queue:
                        self._queue.remove(waiting)  # the lock failed: nobody will write it
                    if self._queue:
                        self._queue[0].wake.release()  # the next writer
                    else:
                        self._writing = False
        if waiting.error is not None:
            raise waiting.error
        assert waiting.result is not None
        return waiting.result

    def write(self, batch: list[_Waiting[Item, Result]]) -> None:
        try:
            for waiting, result in zip(batch, self._apply([w.record for w in batch]), strict=True):
                waiting.result = result
        except Exception as batch_error:
            # One bad record (an article deleted meanwhile) must not fail the others; where
            # the failure is the connection's (retry_each=False), it is every record's.
            for waiting in batch:
                try:
                    if not self._retry_each:
                        raise batch_error
                    waiting.result = self._apply([waiting.record])[0]
                except Exception as exc:
                    waiting.error = exc
        finally:
            for waiting in batch:
                waiting.done = True
                waiting.wake.release()
