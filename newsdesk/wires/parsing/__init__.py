"""Parsing partner feeds (RSS 2.0, Atom, NewsML-G2) into `WireItem`s (issue 11).

`feed_parse` takes the bytes that `fetch` returned, never a URL or a path (PITFALLS 5), and
detects the format from the content: the name of the document's first element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsdesk.wires.items import WireItem


class ParseError(Exception):
    """The feed cannot be parsed at all; str(e) is the one-line reason."""


@dataclass(frozen=True)
class ItemRef:
    """A packageItem's pointer at a newsItem: `href` (absolute http(s), "" when it has none) is
    fetched by the ingest (`wires.packages`); `item` is what the reference itself says (no body)."""

    item: WireItem
    href: str


@dataclass(frozen=True)
class ParsedFeed:
    format: str  # "rss", "atom", "newsml"
    title: str
    items: list[WireItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # per-item problems that skipped an item
    refs: list[ItemRef] = field(default_factory=list)  # a packageItem's items, not fetched yet
    # Items a package listed beyond the ingest's cap: reported as skipped, never fetched.
    unread: list[WireItem] = field(default_factory=list)


FORMATS = ("auto", "rss", "atom", "newsml")
NEWSML_ROOTS = frozenset({b"newsItem", b"newsMessage", b"packageItem", b"knowledgeItem", b"conceptItem"})
SNIFF_BYTES = 64 * 1024
# The first element's name, once the prolog (XML declaration, comments, PIs, DOCTYPE) is skipped.
_PROLOG = re.compile(
    rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.DOTALL | re.IGNORECASE
)
_ELEMENT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def _ascii_view(head: bytes) -> bytes:
    """The start of the document as ASCII-compatible bytes (UTF-16/32 decoded first)."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head.decode(codec, errors="ignore").encode("utf-8", errors="ignore")
    if head[:4] in (b"<\x00?\x00", b"<\x00\x00\x00"):
        return head.decode("utf-16-le", errors="ignore").encode("utf-8", errors="ignore")
    if head[:4] in (b"\x00<\x00?", b"\x00\x00\x00<"):
        return head.decode("utf-16-be", errors="ignore").encode("utf-8", errors="ignore")
    return head.removeprefix(b"\xef\xbb\xbf")


def prolog_doctype(body: bytes) -> tuple[int, int] | None:
    """(start, end) of the DOCTYPE declaration before the first element, if there is one."""
    position = 0
    while True:
        match = _PROLOG.match(body, position)
        if match is None or match.end() == position:
            return None
        if match.group(0)[:9].upper() == b"<!DOCTYPE":
            return match.start(), match.end()
        position = match.end()


def dtd_entities_strip(body: bytes) -> bytes:
    """The document without a DOCTYPE that declares entities (ASCII-compatible encodings).

    feedparser strips entity declarations only when each starts a line, and expat then expands
    a billion laughs until its amplification limit (2-3 s of CPU per document, measured); with
    the declarations gone, references are unknown entities and nothing expands.
    """
    found = prolog_doctype(body[:SNIFF_BYTES])
    if found is None:
        if b"<!ENTITY" in body[:SNIFF_BYTES] and b"<!DOCTYPE" in body[:SNIFF_BYTES].upper():
            raise ParseError("refused: the XML declares entities (no DTD entities are expanded)")
        return body
    start, end = found
    if b"<!ENTITY" not in body[start:end].upper():
        return body
    return body[:start] + body[end:]


def format_detect(body: bytes) -> str:
    """ "newsml" when the first element is a NewsML-G2 item or message, "atom" for `feed`, else
    "rss" (feedparser also reads RSS 0.9x/1.0 and other dialects)."""
    head = _ascii_view(body[:SNIFF_BYTES])
    position = 0
    while True:
        match = _PROLOG.match(head, position)
        if match is None or match.end() == position:
            break
        position = match.end()
    element = _ELEMENT.match(head, position) or _ELEMENT.search(head, position)
    name = element.group(2) if element else b""
    if name in NEWSML_ROOTS:
        return "newsml"
    if name == b"feed":
        return "atom"
    return "rss"


def feed_parse(
    body: bytes, *, content_type: str = "", base_url: str = "", format: str = "auto"
) -> ParsedFeed:
    """The items of a feed. Raises ParseError (one line) when nothing can be read at all;
    an item that cannot be read is skipped and named in `problems`.

    `format` "rss" and "atom" both go through feedparser; "auto" detects NewsML-G2 too.
    """
    from .newsml import parse_newsml
    from .syndication import parse_syndication

    if format not in FORMATS:
        raise ParseError(f"unknown feed format {format!r}")
    if not body or not body.strip():
        raise ParseError("empty document")
    detected = format_detect(body) if format == "auto" else format
    if detected == "newsml":
        return parse_newsml(body, base_url=base_url, content_type=content_type)
    return parse_syndication(body, content_type=content_type, base_url=base_url)
