"""A stored page: its status line, headers and body, and how long it is fresh, then stale."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils.http import http_date, parse_http_date_safe

# Set again for each response, or meaningless once stored.
NOT_STORED_HEADERS = frozenset({"date", "age", "connection", "keep-alive", "x-cache", "content-length"})


@dataclass(frozen=True, slots=True)
class PageEntry:
    status: str  # "200 OK"
    headers: tuple[tuple[str, str], ...]  # ETag and Last-Modified included
    body: bytes
    etag: str
    stored_at: float
    fresh_until: float
    stale_until: float

    def is_fresh(self, now: float) -> bool:
        return now < self.fresh_until

    def is_usable(self, now: float) -> bool:
        return now < self.stale_until

    def response_headers(self, now: float, outcome: str) -> list[tuple[str, str]]:
        # Proxies count their own lifetime from Age (RFC 9111 4.2.3).
        age = str(max(0, int(now - self.stored_at)))
        return [*self.headers, ("Content-Length", str(len(self.body))), ("Age", age), ("X-Cache", outcome)]

    def not_modified_for(self, environ: dict) -> bool:
        """A conditional GET this entry answers with 304 (RFC 9110 13.2.2: If-None-Match
        first; If-Modified-Since only without it)."""
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or self.etag.removeprefix("W/") in tags
        if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if if_modified_since is not None:
            since = parse_http_date_safe(if_modified_since)
            return since is not None and since >= int(self.stored_at)
        return False


def entry_build(
    *, status: str, headers: list[tuple[str, str]], body: bytes, now: float, fresh: int, stale: int
) -> PageEntry:
    kept = [(k, v) for k, v in headers if k.lower() not in NOT_STORED_HEADERS]
    names = {k.lower() for k, _v in kept}
    etag = next((v for k, v in kept if k.lower() == "etag"), "")
    if not etag:
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        kept.append(("ETag", etag))
    if "last-modified" not in names:
        kept.append(("Last-Modified", http_date(now)))
    return PageEntry(
        status=status,
        headers=tuple(kept),
        body=body,
        etag=etag,
        stored_at=now,
        fresh_until=now + fresh,
        stale_until=now + fresh + stale,
    )
