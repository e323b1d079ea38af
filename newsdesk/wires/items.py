"""What one partner wire item is, whatever the feed's format (issue 11).

The parsers (`newsdesk.wires.parsing`) build these; the ingest (`newsdesk.wires.services`) turns
them into draft articles. `body_html` is already cleaned (`cleaning.body_clean`): it is exactly
what a RichTextBlock of the article body will store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class WireImage:
    url: str  # absolute http(s) URL
    caption: str = ""
    credit: str = ""
    mime_type: str = ""


@dataclass(frozen=True)
class WireItem:
    guid: str  # never empty: the feed's id/guid, else the link, else a hash of title+date
    title: str  # plain text
    url: str = ""  # absolute link to the original ("" if none)
    published_at: datetime | None = None  # aware (UTC); None when the feed has none
    lead: str = ""  # plain text summary
    body_html: str = ""  # CLEANED, exactly as stored in a RichTextBlock (cleaning.body_clean)
    language: str = ""  # "ru", "kk", "en" or ""
    byline: str = ""
    subjects: tuple[str, ...] = ()
    images: tuple[WireImage, ...] = ()
