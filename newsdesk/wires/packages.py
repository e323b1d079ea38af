"""A NewsML-G2 packageItem's items, fetched one by one (issue 11; docs/wires-fetch.md).

A package lists `itemRef`s; the items themselves are separate documents. Each is fetched
through the same hardened `fetch` (SSRF rules, size caps, its own deadline) and parsed as
NewsML-G2; one that cannot be had is a problem line (an item error in the tally) and the others
go on. At most `PACKAGE_MAX_ITEMS` are fetched per package (the rest are reported as skipped),
and the whole package stops fetching after `PACKAGE_DEADLINE_FACTOR` fetch deadlines. The
wire's credentials go only to the package's own origin: a reference elsewhere is fetched
without them.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings

from .fetch import FetchError, FetchResult, fetch
from .items import WireItem
from .parsing import ParsedFeed, ParseError, feed_parse
from .parsing.common import one_line

# A partner's package lists its latest items (ours: WIRES_NEWSML_PACKAGE_ITEMS, 50).
PACKAGE_MAX_ITEMS = 200
# The package's items together get this many times one fetch's deadline (60 s: 10 minutes).
PACKAGE_DEADLINE_FACTOR = 10
NEWSITEM_ACCEPT = "application/vnd.iptc.g2.newsitem+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"

Fetcher = Callable[..., FetchResult]


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", "", None


def _item_fetch(*, href: str, guid: str, auth: tuple[str, str] | None, fetcher: Fetcher) -> WireItem:
    """The newsItem at `href` (the one whose guid is `guid`, else the document's only item)."""
    result = fetcher(href, auth=auth, accept=NEWSITEM_ACCEPT)
    parsed = feed_parse(result.body, content_type=result.content_type, base_url=result.url, format="newsml")
    if parsed.refs:
        raise ParseError("a package inside a package is not followed")
    match = [item for item in parsed.items if item.guid == guid]
    if match or len(parsed.items) == 1:
        return (match or parsed.items)[0]
    if parsed.problems:
        raise ParseError(parsed.problems[0])
    raise ParseError(f"no item {guid[:200]!r} in the document" if parsed.items else "no news item in it")


def package_items_fetch(
    parsed: ParsedFeed,
    *,
    package_url: str,
    auth: tuple[str, str] | None = None,
    fetcher: Fetcher = fetch,
    max_items: int | None = None,
) -> ParsedFeed:
    """`parsed` with its package references replaced by the items they point at."""
    if not parsed.refs:
        return parsed
    max_items = PACKAGE_MAX_ITEMS if max_items is None else max_items
    items, problems = list(parsed.items), list(parsed.problems)
    origin = _origin(package_url)
    deadline = time.monotonic() + PACKAGE_DEADLINE_FACTOR * settings.WIRES_FETCH_DEADLINE
    for ref in parsed.refs[:max_items]:
        label = f"item {ref.item.guid[:200]}"
        if not ref.href:
            problems.append(f"{label}: the package gives no address to fetch it from")
            continue
        if time.monotonic() > deadline:
            problems.append(f"{label}: not fetched, the package's time is up")
            continue
        try:
            items.append(
                _item_fetch(
                    href=ref.href,
                    guid=ref.item.guid,
                    auth=auth if _origin(ref.href) == origin else None,
                    fetcher=fetcher,
                )
            )
        except (FetchError, ParseError) as error:
            problems.append(f"{label}: {one_line(error)}")
        except Exception as error:  # one bad item never stops the others (PITFALLS 8)
            problems.append(f"{label}: {type(error).__name__}: {one_line(error)}")
    unread = [ref.item for ref in parsed.refs[max_items:]]
    return dataclasses.replace(parsed, items=items, problems=problems, refs=[], unread=unread)
