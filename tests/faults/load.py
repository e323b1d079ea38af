"""Readers hammering the site from threads, with a tally of what the server acknowledged."""

from __future__ import annotations

import http.client
import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field

from .stack import beacon, report


@dataclass
class Tally:
    sent: int = 0
    counted: int = 0  # 200 with "counted": true: acknowledged views
    unconfirmed: int = 0  # 200 with "reason": "unconfirmed" (Redis failed mid-call)
    reports: int = 0  # 202: acknowledged error reports
    lost: int = 0  # sent, no answer (connection refused or reset)
    statuses: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    bodies_5xx: list[bytes] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


class ReaderLoad:
    """`threads` readers, each on a keep-alive connection, every beacon from a new reader.

    With `reports_every` > 0, every that-many requests of a thread is an error report (each
    with its own text, so each is a row of its own) instead of a beacon.
    """

    def __init__(
        self,
        port: int,
        articles: list[int],
        *,
        threads: int = 4,
        reports_every: int = 0,
        first_reader: int = 1,
    ) -> None:
        self.port, self.articles = port, articles
        self.threads_count, self.reports_every = threads, reports_every
        self.readers = itertools.count(first_reader)
        self.tally = Tally()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> ReaderLoad:
        for n in range(self.threads_count):
            thread = threading.Thread(target=self._run, args=(n,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> Tally:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        return self.tally

    def _run(self, number: int) -> None:
        connection: http.client.HTTPConnection | None = None
        for step in itertools.count(1):
            if self._stop.is_set():
                break
            with self._lock:
                reader = next(self.readers)
            article = self.articles[reader % len(self.articles)]
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            is_report = self.reports_every > 0 and step % self.reports_every == 0
            try:
                if is_report:
                    connection.close()  # reports go on their own connection
                    status, body = report(self.port, article, reader, f"typo {number}-{step}-{reader}")
                    payload: dict = {}
                else:
                    status, payload = beacon(self.port, article, reader, connection=connection)
                    body = b""
            except (OSError, http.client.HTTPException):
                with self._lock:
                    self.tally.sent += 1
                    self.tally.lost += 1
                connection.close()
                connection = None
                if self._stop.wait(0.02):
                    break
                continue
            with self._lock:
                self.tally.sent += 1
                self.tally.statuses[status] += 1
                if status >= 500:
                    self.tally.bodies_5xx.append(body[:2000])
                if is_report:
                    self.tally.reports += status == 202
                else:
                    reason = payload.get("reason", "")
                    self.tally.reasons[reason] += 1
                    self.tally.counted += status == 200 and payload.get("counted") is True
                    self.tally.unconfirmed += reason == "unconfirmed"
        if connection is not None:
            connection.close()
