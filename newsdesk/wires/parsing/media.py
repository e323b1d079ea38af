"""Media RSS captions and credits, per image (issue 11, issue 14: lead photos need alt text).

feedparser keeps no caption per image: it reads every `media:description` as the item's own
description, so a photo's caption became the draft's body (inside `media:content`) or its lead
(an item without a description). So the descriptions are read here, by a second hardened lxml
parse of the same bytes (only for a feed that declares the Media RSS namespace), and renamed
out of feedparser's way before it parses.

Media RSS's own rule for where a value applies: a `media:content`'s own element, else its
`media:group`'s, else its item's (an item-level description applies to all its media).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree

from newsdesk.wires.cleaning import MarkupTooLarge

from . import ParseError

logger = logging.getLogger(__name__)

MRSS_NAMESPACES = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
_MRSS_MARKER = b"search.yahoo.com/mrss"
_MRSS_PREFIX = re.compile(rb"""xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']http://search\.yahoo\.com/mrss/?["']""")
# Renamed so that feedparser treats it as an unknown element of the namespace and ignores it.
HIDDEN_DESCRIPTION = b"wire-description"


@dataclass(frozen=True)
class MediaText:
    caption: str = ""
    credit: str = ""

    def over(self, fallback: MediaText) -> MediaText:
        return MediaText(caption=self.caption or fallback.caption, credit=self.credit or fallback.credit)


def _mrss(element: etree._Element, name: str) -> bool:
    tag = element.tag
    return isinstance(tag, str) and tag in {f"{{{ns}}}{name}" for ns in MRSS_NAMESPACES}


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _own_text(element: etree._Element) -> MediaText:
    """The description and credit that are `element`'s direct children."""
    from .newsml import text_of

    caption = credit = ""
    for child in element:
        if not caption and _mrss(child, "description"):
            caption = text_of(child)
        elif not credit and _mrss(child, "credit"):
            credit = text_of(child)
    return MediaText(caption=caption, credit=credit)


def _item_media(item: etree._Element, texts: dict[str, MediaText]) -> None:
    item_level = _own_text(item)
    found: dict[str, MediaText] = {}

    def add(url: str | None, text: MediaText) -> None:
        key = (url or "").strip()
        if key:  # an enclosure and a media:content of one URL: the first of each value
            found[key] = found[key].over(text) if key in found else text

    for child in item:
        if _mrss(child, "group"):
            group_level = _own_text(child)
            for member in child:
                if _mrss(member, "content") or _mrss(member, "thumbnail"):
                    add(member.get("url"), _own_text(member).over(group_level))
        elif _mrss(child, "content") or _mrss(child, "thumbnail"):
            add(child.get("url"), _own_text(child))
        elif _local(child) == "enclosure":  # RSS 2.0: no caption of its own
            add(child.get("url"), MediaText())
        elif _local(child) == "link" and child.get("rel") == "enclosure":  # Atom
            add(child.get("href"), MediaText())
    for url, text in found.items():
        texts.setdefault(url, text.over(item_level))


def media_texts(body: bytes) -> dict[str, MediaText]:
    """Image URL, as the feed wrote it, -> its caption and credit (plain text).

    Best effort: a feed this cannot read still has its items, only without captions.
    """
    if _MRSS_MARKER not in body:
        return {}
    from .newsml import xml_parse

    try:
        root, _ = xml_parse(body)
        texts: dict[str, MediaText] = {}
        for element in root.iter():
            if _local(element) in ("item", "entry"):
                _item_media(element, texts)
    except (ParseError, MarkupTooLarge, etree.LxmlError, ValueError) as error:
        logger.info("media captions not read: %s", error)
        return {}
    return texts


def media_descriptions_hide(body: bytes) -> bytes:
    """The feed with each Media RSS `description` renamed, so feedparser never reads a photo's
    caption as the item's body or lead."""
    if _MRSS_MARKER not in body:
        return body
    for prefix in set(_MRSS_PREFIX.findall(body)):
        element = re.compile(rb"<(/?)" + re.escape(prefix) + rb":description(?=[\s/>])")
        body = element.sub(rb"<\1" + prefix + b":" + HIDDEN_DESCRIPTION, body)
    return body
