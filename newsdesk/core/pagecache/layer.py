"""The page cache in front of the Django application (wrapped in `newsdesk/wsgi.py`).

An anonymous GET or HEAD of a cached page is answered here, without Django's middleware,
URL resolution or session: a key, one look-up and the stored bytes (docs/caching.md has
the figures). Everything else goes to Django unchanged; a response Django marked `public`
is stored on the way out. `X-Cache` tells what happened: `hit`, `stale` (served while
another thread renders it again), `coalesced` (waited for another thread's render),
`miss` (rendered here, stored if allowed) or `bypass` (not for the cache: rendered).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

from .config import config
from .entries import PageEntry, entry_build
from .flights import Flight, Flights
from .keys import page_key, path_has_edition, path_is_cacheable, query_normalised
from .policy import request_language, request_may_use_cache, request_scheme, response_may_be_stored
from .store import page_store

HIT, STALE, COALESCED, MISS, BYPASS = "hit", "stale", "coalesced", "miss", "bypass"
OUTCOME_HEADER = "X-Cache"
# Headers a 304 repeats (RFC 9110 15.4.5).
NOT_MODIFIED_HEADERS = frozenset(
    {"cache-control", "content-location", "etag", "expires", "last-modified", "vary"}
)


@dataclass
class Rendered:
    """What the application answered. `body` is None for a streamed response (never stored);
    `original` is the adapter's own response object, handed back unchanged."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes | None
    original: Any


@dataclass
class Reply:
    outcome: str
    entry: PageEntry | None = None
    rendered: Rendered | None = None
    not_modified: bool = False
    head: bool = False

    def status_and_headers(self, now: float) -> tuple[str, list[tuple[str, str]]]:
        """For a reply from an entry: the status line and headers to send."""
        assert self.entry is not None
        if self.not_modified:
            headers = [(k, v) for k, v in self.entry.headers if k.lower() in NOT_MODIFIED_HEADERS]
            return "304 Not Modified", [*headers, (OUTCOME_HEADER, self.outcome)]
        return self.entry.status, self.entry.response_headers(now, self.outcome)


class PageCache:
    def __init__(self) -> None:
        self.flights = Flights()

    def respond(self, environ: dict, render: Callable[[dict], Rendered]) -> Reply:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "/")
        if not path_is_cacheable(path):
            return Reply("", rendered=render(environ))
        if config().fresh_seconds + config().stale_seconds <= 0:
            # The cache is off (PAGE_CACHE_SECONDS=0 and no stale-while-revalidate): nothing
            # to look up, nothing to write (an entry that expires at once cost a file write).
            return Reply(BYPASS, rendered=render(environ))
        query = query_normalised(environ.get("QUERY_STRING", ""))
        if query is None or not request_may_use_cache(environ):
            return Reply(BYPASS, rendered=render(environ))
        language_keyed = not path_has_edition(path)
        language = request_language(environ) if language_keyed else ""
        key = page_key(request_scheme(environ), path, query, language)
        head = environ["REQUEST_METHOD"] == "HEAD"
        now = time.time()
        entry = page_store().get(key)
        if entry is not None and entry.is_usable(now):
            if entry.is_fresh(now):
                return self._from_entry(HIT, entry, environ, head)
            # Stale: one GET renders it again, every other reader meanwhile gets the old copy.
            flight = None if head else self.flights.try_lead(key)
            if flight is None:
                return self._from_entry(STALE, entry, environ, head)
            return self._render_and_store(environ, render, key, flight, language_keyed)
        if head:
            # A HEAD is answered from a GET's entry, never stored: its body may be cut.
            return Reply(BYPASS, rendered=render(environ))
        flight, leader = self.flights.join(key)
        if leader:
            return self._render_and_store(environ, render, key, flight, language_keyed)
        flight.done.wait(config().coalesce_seconds)
        if flight.entry is not None:
            return self._from_entry(COALESCED, flight.entry, environ, head)
        return Reply(MISS, rendered=render(environ))

    @staticmethod
    def _from_entry(outcome: str, entry: PageEntry, environ: dict, head: bool) -> Reply:
        return Reply(outcome, entry=entry, not_modified=entry.not_modified_for(environ), head=head)

    def _render_and_store(
        self,
        environ: dict,
        render: Callable[[dict], Rendered],
        key: str,
        flight: Flight,
        language_keyed: bool,
    ) -> Reply:
        """Render for the waiters, unless the previous leader stored the page between this
        reader's look-up and its flight (it landed and left): then this reader serves that
        entry, and 50 readers after a purge still cause one render per process."""
        entry = page_store().get(key)
        if entry is not None and entry.is_fresh(time.time()):
            self.flights.land(key, flight, entry)
            return self._from_entry(COALESCED, entry, environ, False)
        entry = None
        try:
            started = time.time()
            rendered = render(environ)
            entry = self._store(key, rendered, started, language_keyed)
        finally:
            self.flights.land(key, flight, entry)
        # Stored: the reader gets the entry's validators (ETag, Last-Modified) too.
        return Reply(MISS, rendered=rendered, entry=entry)

    @staticmethod
    def _store(key: str, rendered: Rendered, started: float, language_keyed: bool) -> PageEntry | None:
        status = int(rendered.status[:3])
        if rendered.body is None or not response_may_be_stored(
            status, rendered.headers, language_keyed=language_keyed
        ):
            return None
        store = page_store()
        # A purge that ran while this page was rendering may have dropped what it shows: the
        # render may have read the database before that commit (docs/caching.md, "Races").
        if store.purged_at() >= started:
            return None
        fresh, stale = config().fresh_seconds, config().stale_seconds
        now = time.time()
        entry = entry_build(
            status=rendered.status,
            headers=rendered.headers,
            body=rendered.body,
            now=now,
            fresh=fresh,
            stale=stale,
        )
        store.set(key, entry, fresh + stale)
        if store.purged_at() >= started:
            # A purge began between the check and the store; its deletes may have run first.
            store.delete_many([key])
            return None
        return entry


class PageCacheMiddleware:
    """WSGI middleware: `application = PageCacheMiddleware(get_wsgi_application())`."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.cache = PageCache()

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        reply = self.cache.respond(environ, self._render)
        if reply.rendered is not None and reply.entry is not None:
            start_response(reply.entry.status, reply.entry.response_headers(time.time(), reply.outcome))
            return [reply.entry.body]
        if reply.rendered is not None:
            rendered = reply.rendered
            headers = rendered.headers
            if reply.outcome:
                headers = [*headers, (OUTCOME_HEADER, reply.outcome)]
            start_response(rendered.status, headers)
            return rendered.original if rendered.body is None else [rendered.body]
        status, headers = reply.status_and_headers(time.time())
        start_response(status, headers)
        if reply.not_modified or reply.head:
            return []
        assert reply.entry is not None
        return [reply.entry.body]

    def _render(self, environ: dict) -> Rendered:
        started: dict[str, Any] = {}

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            started["status"], started["headers"] = status, list(headers)
            return _no_write

        result = self.app(environ, capture)
        if "status" not in started:
            raise RuntimeError("start_response was not called before the result was returned")
        if not isinstance(result, HttpResponse):
            # Streamed or a file (wsgi.file_wrapper): passed through as it is, never stored.
            return Rendered(started["status"], started["headers"], None, result)
        try:
            body = b"".join(result)
        finally:
            result.close()  # request_finished: database connections go back
        return Rendered(started["status"], started["headers"], body, result)


def _no_write(data: bytes) -> None:
    raise RuntimeError("the page cache does not support write(); return an iterable")
