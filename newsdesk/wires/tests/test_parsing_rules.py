"""Parsing rules decided for issue 11: the RSS guid, and costs bounded before feedparser runs."""

from __future__ import annotations

import time

import pytest

from newsdesk.wires.parsing import ParseError, feed_parse
from newsdesk.wires.parsing.common import MAX_SUBJECTS
from newsdesk.wires.parsing.syndication import MAX_CATEGORIES


def test_rss_guid_rule_is_feedparsers_permalinks_resolved_opaque_ids_kept() -> None:
    """docs/wires-fetch.md, "WireItem": a permalink guid (the RSS default) is a URL and is made
    absolute against the feed's URL, as feedparser does; isPermaLink="false" is kept as written."""
    items = "".join(
        f"<item><title>Item {n}</title>{guid}</item>"
        for n, guid in enumerate(
            [
                "<guid>/news/1</guid>",
                '<guid isPermaLink="false">/news/2</guid>',
                '<guid isPermaLink="false">42</guid>',
            ]
        )
    )
    body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    feed = feed_parse(body, base_url="https://p.example/feeds/rss.xml")
    assert [(item.guid, item.url) for item in feed.items] == [
        ("https://p.example/news/1", "https://p.example/news/1"),
        ("/news/2", ""),
        ("42", ""),
    ]
    # The same feed read from another address: only the permalink changes with it.
    moved = feed_parse(body, base_url="https://mirror.example/rss.xml")
    assert [item.guid for item in moved.items] == ["https://mirror.example/news/1", "/news/2", "42"]


def test_a_category_bomb_costs_no_time() -> None:
    def feed(categories: int) -> bytes:
        tags = "".join(f"<category>Topic {n % 200}</category>" for n in range(categories))
        return f'<rss version="2.0"><channel><title>t</title><item><title>x</title>{tags}</item></channel></rss>'.encode()

    started = time.monotonic()
    with pytest.raises(ParseError, match="more than 20,000 categories"):
        feed_parse(feed(MAX_CATEGORIES + 1))
    (item,) = feed_parse(feed(2_000)).items
    assert time.monotonic() - started < 5
    assert len(item.subjects) == MAX_SUBJECTS and item.subjects[:2] == ("Topic 0", "Topic 1")
