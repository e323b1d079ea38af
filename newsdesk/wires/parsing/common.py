"""What the parsers share: GUIDs, dates, languages, links and images, per the WireItem contract."""

from __future__ import annotations

import hashlib
import html.entities
import mimetypes
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from django.utils.text import Truncator

from newsdesk.wires.cleaning import text_clean
from newsdesk.wires.items import WireImage

# Our editions' languages; "kz" (the country code some Kazakh sites write) is Kazakh.
LANGUAGES = {"ru": "ru", "kk": "kk", "kz": "kk", "en": "en"}
LEAD_MAX_CHARS = 600  # ArticlePage.lead
TITLE_MAX_CHARS = 255  # Page.title
MAX_SUBJECTS = 50
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def language_normalise(value: str | None) -> str:
    """ "ru-RU" -> "ru", "kk_KZ" -> "kk", "kz" -> "kk"; "" for any language we have no edition of."""
    primary = (value or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return LANGUAGES.get(primary, "")


def absolute_http_url(url: str | None, base_url: str = "") -> str:
    """`url` made absolute against `base_url`; "" unless the result is an http(s) URL."""
    candidate = (url or "").strip()
    if not candidate:
        return ""
    try:
        if base_url:
            candidate = urljoin(base_url, candidate)
        parts = urlsplit(candidate)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if any(ord(char) < 32 for char in candidate):
        return ""
    return candidate.replace(" ", "%20")


def as_utc(moment: datetime | None) -> datetime | None:
    """Aware UTC; a time without an offset is taken as UTC (feeds that omit it mean GMT)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_datetime(value: str | None) -> datetime | None:
    """An xs:dateTime or xs:date (NewsML-G2 dates), aware UTC; None when it is not one."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return as_utc(datetime.fromisoformat(text.replace("z", "Z")))
    except ValueError:
        return None


def guid_fallback(*, guid: str, url: str, title: str, published_at: datetime | None) -> str:
    """The feed's id, else the link, else a hash of title and date (never empty)."""
    guid = " ".join((guid or "").split())
    if guid:
        return guid[:500]
    if url:
        return url[:500]
    stamp = published_at.isoformat() if published_at else ""
    return "sha256:" + hashlib.sha256(f"{title}\n{stamp}".encode()).hexdigest()


def title_from(title: str, *fallbacks: str) -> str:
    """Plain-text title; a feed item with none (RSS allows it) is titled by its text's opening."""
    text = text_clean(title)
    if not text:
        for fallback in fallbacks:
            text = text_clean(fallback)
            if text:
                break
    return Truncator(text).chars(TITLE_MAX_CHARS) if len(text) > TITLE_MAX_CHARS else text


def lead_from(summary: str) -> str:
    text = text_clean(summary)
    return Truncator(text).chars(LEAD_MAX_CHARS) if len(text) > LEAD_MAX_CHARS else text


def is_image(url: str, mime_type: str = "", medium: str = "") -> bool:
    if mime_type:
        return mime_type.lower().startswith("image/")
    if medium:
        return medium.lower() == "image"
    return urlsplit(url).path.lower().endswith(IMAGE_EXTENSIONS)


def image_make(
    url: str | None, *, base_url: str, mime_type: str = "", caption: str = "", credit: str = ""
) -> WireImage | None:
    absolute = absolute_http_url(url, base_url)
    if not absolute:
        return None
    mime = (mime_type or "").split(";", 1)[0].strip().lower()
    if not mime:
        mime = mimetypes.guess_type(urlsplit(absolute).path)[0] or ""
    return WireImage(url=absolute, caption=text_clean(caption), credit=text_clean(credit), mime_type=mime)


def images_unique(images: Iterable[WireImage | None]) -> tuple[WireImage, ...]:
    seen: dict[str, WireImage] = {}
    for image in images:
        if image is not None and image.url not in seen:
            seen[image.url] = image
    return tuple(seen.values())


def subjects_unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """At most MAX_SUBJECTS, case-insensitively unique (a feed may send 50,000 categories)."""
    seen: dict[str, str] = {}
    for value in values:
        if len(seen) >= MAX_SUBJECTS:
            break
        text = text_clean(value or "")
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text[:100]
    return tuple(seen.values())


def one_line(error: BaseException | str, limit: int = 300) -> str:
    return (" ".join(str(error).split()) or type(error).__name__)[:limit]


_XML_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_XML_DECLARATION_ENCODING = re.compile(rb"(^\s*<\?xml[^>]*?encoding=[\"'])([A-Za-z0-9._-]+)([\"'])")
UTF8_NAMES = frozenset({"utf-8", "utf8"})
UTF8_XML = "application/xml; charset=utf-8"


def _declared_charset(body: bytes, content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'").lower()
    match = _XML_DECLARATION.match(body[:1024])
    return match.group(2).decode("ascii").lower() if match else ""


def _line_decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    as_cyrillic = line.decode("cp1251", errors="replace")
    high = [char for char in as_cyrillic if ord(char) > 127]
    cyrillic = sum(1 for char in high if "\u0400" <= char <= "\u04ff")
    if high and cyrillic / len(high) >= 0.6:
        return as_cyrillic
    return line.decode("cp1252", errors="replace")


def encoding_repair(body: bytes, content_type: str) -> tuple[bytes, str]:
    """A feed that says (or defaults to) UTF-8 but is not: re-encoded line by line as UTF-8.

    Partners' feeds are often windows-1251 labelled UTF-8, or UTF-8 with a few items pasted in
    windows-1251 ("mixed encodings"); decoding it all as windows-1252, feedparser's last
    resort, would garble every Cyrillic letter. A feed that decodes as it says is left alone.
    """
    if body.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return body, content_type
    declared = _declared_charset(body, content_type)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if declared and declared not in UTF8_NAMES and not declared.startswith("utf") and not body.isascii():
            # Valid UTF-8 with non-ASCII letters is UTF-8, whatever the label says (windows-1251
            # text is never valid UTF-8: its letters are not continuation bytes).
            return _XML_DECLARATION_ENCODING.sub(rb"\g<1>utf-8\g<3>", body, count=1), UTF8_XML
        return body, content_type
    if declared and declared not in UTF8_NAMES:
        try:
            body.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            return body, content_type
    text = "".join(
        _line_decode(line) for line in body.removeprefix(b"\xef\xbb\xbf").splitlines(keepends=True)
    )
    repaired = _XML_DECLARATION_ENCODING.sub(rb"\g<1>utf-8\g<3>", text.encode("utf-8"), count=1)
    return repaired, UTF8_XML


XML_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})
_REFERENCE = re.compile(rb"&(?:#([0-9]{1,10})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]{1,31}));")


def _reference_repair(match: re.Match[bytes]) -> bytes:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        codepoint = html.entities.name2codepoint.get(name.decode("ascii"))
        if name.decode("ascii") in XML_PREDEFINED or codepoint is None:
            return match.group(0)
        return f"&#{codepoint};".encode("ascii")
    value = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if value == 0 or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return b"&#xFFFD;"
    return match.group(0)


def references_repair(body: bytes) -> bytes:
    """HTML's named entities (`&eacute;`, undefined in XML) as character references, and
    references to no character (`&#1114112;`, surrogates) as U+FFFD, as feedparser's tests expect.

    An XML parser drops an undefined entity silently when the document names an external DTD
    (RSS 0.91's Netscape DOCTYPE): "&eacute;t&eacute;" became "t".
    """
    return _REFERENCE.sub(_reference_repair, body)
