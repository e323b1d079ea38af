"""RSS (0.9x, 1.0, 2.0) and Atom through feedparser, always from bytes (PITFALLS 5).

feedparser handles what its own test suite covers: wrong or missing encodings (the HTTP
content type, the XML declaration, sniffing), HTML entities in XML (its loose parser), relative
links (`xml:base`, else the feed's URL given as Content-Location), dates in a dozen formats. A
bozo feed that still yields entries is parsed; one that yields nothing is a ParseError.
Entity declarations other than simple text are stripped by feedparser before parsing, so a
billion laughs or an external entity (XXE) never expands.
"""

from __future__ import annotations

import html
import io
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsdesk.wires.cleaning import MarkupTooLarge, body_clean, text_clean
from newsdesk.wires.items import WireImage, WireItem

from . import ParsedFeed, ParseError, dtd_entities_strip
from .common import (
    absolute_http_url,
    encoding_repair,
    guid_fallback,
    image_make,
    images_unique,
    is_image,
    language_normalise,
    lead_from,
    one_line,
    references_repair,
    subjects_unique,
    title_from,
)
from .media import MediaText, media_descriptions_hide, media_texts

HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def _text_as_html(value: str, content_type: str) -> str:
    """Feed text in HTML: HTML as is, plain text escaped into paragraphs."""
    if any(kind in (content_type or "text/html").lower() for kind in HTML_TYPES):
        return value
    paragraphs = [" ".join(part.split()) for part in value.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs if part)


def _datetime(parsed: time.struct_time | None) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _body_source(entry: Any) -> str:
    """The HTML of the fullest text: content (HTML before plain text), else the summary."""
    contents = [content for content in entry.get("content") or [] if content.get("value")]
    contents.sort(key=lambda content: not any(t in (content.get("type") or "") for t in HTML_TYPES))
    if contents:
        return _text_as_html(contents[0]["value"], contents[0].get("type") or "")
    summary = entry.get("summary") or ""
    summary_type = (entry.get("summary_detail") or {}).get("type") or "text/html"
    return _text_as_html(summary, summary_type)


def _language(entry: Any, feed_language: str) -> str:
    for detail in [*(entry.get("content") or []), entry.get("summary_detail"), entry.get("title_detail")]:
        language = language_normalise((detail or {}).get("language"))
        if language:
            return language
    return feed_language


def _images(entry: Any, base_url: str, texts: dict[str, MediaText]) -> tuple[WireImage, ...]:
    credit = ""
    for item in entry.get("media_credit") or []:
        credit = item.get("content") or ""
        if credit:
            break
    found: list[WireImage | None] = []

    def add(url: str, mime: str = "") -> None:
        text = texts.get(url.strip(), MediaText())
        found.append(
            image_make(
                url, base_url=base_url, mime_type=mime, caption=text.caption, credit=text.credit or credit
            )
        )

    for enclosure in entry.get("enclosures") or []:
        href, mime = enclosure.get("href") or "", enclosure.get("type") or ""
        if href and is_image(href, mime):
            add(href, mime)
    for media in entry.get("media_content") or []:
        url, mime, medium = media.get("url") or "", media.get("type") or "", media.get("medium") or ""
        if url and is_image(url, mime, medium):
            add(url, mime)
    for thumbnail in entry.get("media_thumbnail") or []:
        add(thumbnail.get("url") or "")
    return images_unique(found)


def _item(entry: Any, *, base_url: str, feed_language: str, texts: dict[str, MediaText]) -> WireItem | None:
    url = absolute_http_url(entry.get("link"), base_url)
    body_source = _body_source(entry)
    summary = entry.get("summary") or ""
    title = title_from(entry.get("title") or "", summary, body_source)
    if not title:
        return None
    published_at = _datetime(
        entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("created_parsed")
    )
    author = (entry.get("author_detail") or {}).get("name") or entry.get("author") or ""
    return WireItem(
        guid=guid_fallback(guid=entry.get("id") or "", url=url, title=title, published_at=published_at),
        title=title,
        url=url,
        published_at=published_at,
        lead=lead_from(summary),
        body_html=body_clean(body_source, base_url=url or base_url),
        language=_language(entry, feed_language),
        byline=text_clean(author)[:200],
        subjects=subjects_unique(tag.get("label") or tag.get("term") for tag in entry.get("tags") or []),
        images=_images(entry, url or base_url, texts),
    )


# feedparser keeps an item's categories unique by a linear search per category: 16,000 in one
# item took 12 s, 50,000 minutes. A feed with more category-like elements than this is refused.
MAX_CATEGORIES = 20_000
_CATEGORY_MARKERS = (b"<category", b":category", b":subject", b":keywords")


def parse_syndication(body: bytes, *, content_type: str, base_url: str) -> ParsedFeed:
    body, content_type = encoding_repair(body, content_type)
    # A count of markers, not a parse: it bounds feedparser's cost and decides nothing else.
    if sum(body.count(marker) for marker in _CATEGORY_MARKERS) > MAX_CATEGORIES:
        raise ParseError(f"refused: more than {MAX_CATEGORIES:,} categories or subjects")
    body = references_repair(dtd_entities_strip(body))
    texts = media_texts(body)
    body = media_descriptions_hide(body)
    headers = {}
    if content_type:
        headers["content-type"] = content_type
    if base_url:
        headers["content-location"] = base_url
    try:
        # nh3 sanitises (cleaning.py): feedparser's own pass would double the parse time.
        data = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False)
    except Exception as error:  # feedparser on hostile bytes: never a traceback for the caller
        raise ParseError(f"cannot parse the feed: {one_line(error)}") from None
    version = data.get("version") or ""
    entries = data.get("entries") or []
    if not entries:
        reason = one_line(data.get("bozo_exception") or "") if data.get("bozo") else ""
        if not version:
            raise ParseError("not an RSS, Atom or NewsML-G2 feed" + (f" ({reason})" if reason else ""))
        if reason:
            raise ParseError(f"malformed feed: {reason}")
    feed = data.get("feed") or {}
    feed_language = language_normalise(
        feed.get("language") or (feed.get("title_detail") or {}).get("language")
    )
    items: list[WireItem] = []
    problems: list[str] = []
    for index, entry in enumerate(entries, start=1):
        try:
            item = _item(entry, base_url=base_url, feed_language=feed_language, texts=texts)
        except Exception as error:  # one bad item never stops the others
            problems.append(f"item {index}: {one_line(error)}")
            continue
        if item is None:
            problems.append(f"item {index}: no title and no text")
        else:
            items.append(item)
    try:
        title = text_clean(feed.get("title") or "")
    except MarkupTooLarge:
        title = ""  # only the feed's name: its items are read all the same
    return ParsedFeed(
        format="atom" if version.startswith("atom") else "rss",
        title=title,
        items=items,
        problems=problems,
    )
