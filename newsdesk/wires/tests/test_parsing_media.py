"""Media RSS captions and credits per image (wires/parsing/media.py, issue 14)."""

from __future__ import annotations

from newsdesk.wires.items import WireImage
from newsdesk.wires.parsing import feed_parse

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:m="http://search.yahoo.com/mrss/"><channel><title>Partner</title>
<item><guid>one</guid><title>Budget approved</title><link>https://partner.example/1</link>
  <description>The lead.</description>
  <enclosure url="https://cdn.partner.example/a.jpg" type="image/jpeg" length="1"/>
  <m:content url="https://cdn.partner.example/a.jpg" medium="image">
    <m:description type="html">The &lt;b&gt;Mazhilis&lt;/b&gt; in session</m:description>
    <m:credit>Askar Nurlanov</m:credit>
  </m:content>
  <m:group>
    <m:description>From the group</m:description>
    <m:content url="https://cdn.partner.example/b.jpg" medium="image"/>
  </m:group>
</item>
<item><guid>two</guid><title>Floods in the north</title>
  <m:description>The river at Akmeshit</m:description>
  <enclosure url="https://cdn.partner.example/c.jpg" type="image/jpeg" length="1"/>
</item>
</channel></rss>"""


def test_each_image_has_its_own_caption_and_credit_and_the_item_keeps_its_text() -> None:
    first, second = feed_parse(FEED).items
    assert first.images == (
        WireImage(
            url="https://cdn.partner.example/a.jpg",
            caption="The Mazhilis in session",  # plain text
            credit="Askar Nurlanov",
            mime_type="image/jpeg",
        ),
        WireImage(
            url="https://cdn.partner.example/b.jpg",
            caption="From the group",
            credit="Askar Nurlanov",  # feedparser's item-level credit, as before
            mime_type="image/jpeg",
        ),
    )
    # feedparser read a media:description as the item's own: the caption became the body.
    assert first.lead == "The lead." and "Mazhilis" not in first.body_html
    # An item-level description applies to all its media (Media RSS), not to the item's lead.
    assert second.images[0].caption == "The river at Akmeshit"
    assert (second.lead, second.body_html) == ("", "")


def test_a_feed_without_media_rss_is_untouched() -> None:
    body = FEED.replace(b"http://search.yahoo.com/mrss/", b"https://other.example/ns")
    first, _ = feed_parse(body).items
    assert all(image.caption == "" for image in first.images)
