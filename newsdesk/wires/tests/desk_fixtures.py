"""Shared pieces of the wire desk's tests: partners, wires, a live feed server, feeds to serve."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image as PILImage

from newsdesk.articles.models import PartnerAgency, SectionPage
from newsdesk.wires.models import Wire

from .feedserver import FeedServer, Static

WHEN = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


@dataclass
class Entry:
    guid: str
    title: str
    body: str = "<p>The government approved the budget for next year on Monday.</p>"
    link: str = ""
    description: str = ""
    published: datetime | None = WHEN
    images: list[str] = field(default_factory=list)
    # An image's Media RSS caption (media:description in a media:content of the same URL).
    captions: dict[str, str] = field(default_factory=dict)


def rss(entries: list[Entry], *, title: str = "Partner feed") -> bytes:
    """An RSS 2.0 feed with content:encoded bodies, image enclosures and their Media RSS captions."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:media="http://search.yahoo.com/mrss/"><channel>',
        f"<title>{escape(title)}</title><link>https://partner.example/</link><description>x</description>",
    ]
    for entry in entries:
        parts.append("<item>")
        parts.append(f'<guid isPermaLink="false">{escape(entry.guid)}</guid>')
        parts.append(f"<title>{escape(entry.title)}</title>")
        if entry.link:
            parts.append(f"<link>{escape(entry.link)}</link>")
        if entry.description:
            parts.append(f"<description>{escape(entry.description)}</description>")
        parts.append(f"<content:encoded><![CDATA[{entry.body}]]></content:encoded>")
        if entry.published:
            parts.append(f"<pubDate>{format_datetime(entry.published)}</pubDate>")
        for url in entry.images:
            parts.append(f'<enclosure url="{escape(url)}" type="image/png" length="100"/>')
        for url, caption in entry.captions.items():
            parts.append(f'<media:content url="{escape(url)}" medium="image" type="image/png">')
            parts.append(f"<media:description>{escape(caption)}</media:description></media:content>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode()


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def serve(server: FeedServer, path: str, body: bytes, **kwargs: Any) -> str:
    return server.route(path, Static(body, kwargs.pop("content_type", "application/rss+xml"), **kwargs))


def partner_of(name: str) -> PartnerAgency:
    return PartnerAgency.objects.get_or_create(name=name, defaults={"url": "https://partner.example/"})[0]


def wire_for(
    *,
    sections: dict,
    url: str,
    partner: str = "Kazinform",
    edition: str = "en",
    section: str = "world",
    **fields: Any,
) -> Wire:
    home_section: SectionPage = sections[(edition, section)]
    return Wire.objects.create(
        partner=partner_of(partner),
        name=f"{partner} {edition}",
        feed_url=url,
        edition_id=home_section.locale_id,
        section=home_section,
        **fields,
    )
