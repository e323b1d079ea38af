"""One render per page and process at a time (request coalescing).

After a purge, the readers of a popular article arrive together: without this, each of a
process's threads renders the same page at once. The first becomes the leader and renders;
the others wait for its entry and are served it (`X-Cache: coalesced`). If the leader's
response may not be stored, or it takes too long, each waiter renders for itself.
"""

from __future__ import annotations

import threading

from .entries import PageEntry


class Flight:
    __slots__ = ("done", "entry")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.entry: PageEntry | None = None


class Flights:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.flights: dict[str, Flight] = {}

    def join(self, key: str) -> tuple[Flight, bool]:
        """The flight for `key` and whether the caller leads it (and must `land` it)."""
        with self.lock:
            flight = self.flights.get(key)
            if flight is not None:
                return flight, False
            flight = self.flights[key] = Flight()
            return flight, True

    def try_lead(self, key: str) -> Flight | None:
        """A new flight led by the caller, or None if one is already under way."""
        with self.lock:
            if key in self.flights:
                return None
            flight = self.flights[key] = Flight()
            return flight

    def land(self, key: str, flight: Flight, entry: PageEntry | None) -> None:
        flight.entry = entry
        with self.lock:
            if self.flights.get(key) is flight:
                del self.flights[key]
        flight.done.set()
