"""Feeds to WireItems: RSS, Atom and NewsML-G2, honest and ill-formed (issue 11)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from newsdesk.wires.items import WireImage
from newsdesk.wires.parsing import ParseError, feed_parse, format_detect

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Kazinform &amp; partners</title>
  <link>https://partner.example/</link>
  <language>ru-RU</language>
  <item>
    <title>Бюджет принят</title>
    <link>/news/budget</link>
    <guid isPermaLink="false">kazinform-1</guid>
    <pubDate>Mon, 30 Nov 2026 15:15:00 +0600</pubDate>
    <dc:creator>Айгерим Садыкова</dc:creator>
    <category>Политика</category>
    <category>Экономика</category>
    <description>&lt;p&gt;Мажилис одобрил &lt;b&gt;бюджет&lt;/b&gt;.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Мажилис <a href="/laws/1">одобрил</a> бюджет.</p><script>alert(1)</script>]]></content:encoded>
    <enclosure url="/photos/budget.jpg" type="image/jpeg" length="1000"/>
    <enclosure url="https://partner.example/audio.mp3" type="audio/mpeg" length="1000"/>
    <media:content url="https://cdn.partner.example/big.png" medium="image"/>
    <media:thumbnail url="https://cdn.partner.example/thumb.jpg"/>
  </item>
  <item>
    <description>Only a description, no title, no guid, no date.</description>
  </item>
</channel>
</rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="kk" xml:base="https://atom.example/kz/">
  <title>Atom partner</title>
  <id>urn:uuid:feed</id>
  <updated>2026-11-30T10:00:00Z</updated>
  <entry>
    <title type="html">Жаңа &lt;i&gt;заң&lt;/i&gt;</title>
    <id>tag:atom.example,2026:1</id>
    <link rel="alternate" href="news/1"/>
    <link rel="enclosure" type="image/png" href="img/1.png"/>
    <published>2026-11-30T09:00:00+05:00</published>
    <updated>2026-11-30T11:00:00+05:00</updated>
    <author><name>Ерлан</name></author>
    <summary>Қысқаша.</summary>
    <content type="html">&lt;p&gt;Мәтін &lt;a href="../about"&gt;сілтеме&lt;/a&gt;.&lt;/p&gt;</content>
  </entry>
</feed>"""

NEWSML = """<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:partner.example:20261130:1"
          version="3" standard="NewsML-G2" standardversion="2.33" conformance="power" xml:lang="en">
  <catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"/>
  <rightsInfo><copyrightNotice>(c) Partner</copyrightNotice></rightsInfo>
  <itemMeta>
    <itemClass qcode="ninat:text"/>
    <provider literal="Partner"/>
    <versionCreated>2026-11-30T10:00:00Z</versionCreated>
    <firstCreated>2026-11-30T09:30:00+05:00</firstCreated>
    <pubStatus qcode="stat:usable"/>
    <link rel="irel:seeAlso" contenttype="text/html" href="https://partner.example/en/1"/>
    <link rel="irel:associatedWith" contenttype="image/jpeg" href="/pic/1.jpg"><title>A picture</title></link>
  </itemMeta>
  <contentMeta>
    <language tag="en-GB"/>
    <subject type="cpnat:abstract" qcode="medtop:11000000"><name xml:lang="en">Politics</name></subject>
    <subject qcode="medtop:04000000"/>
    <headline>Parliament passes the budget</headline>
    <by>Jane Reporter</by>
    <description role="drol:summary">The lower house approved it.</description>
  </contentMeta>
  <contentSet>
    <inlineXML contenttype="application/xhtml+xml">
      <html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>
      <body><h1>Budget</h1><p style="color:red" onclick="x()">Spending <strong>rises</strong>, see
      <a href="/en/2">more</a>.</p><script>alert(1)</script></body></html>
    </inlineXML>
  </contentSet>
</newsItem>"""


def only(feed):
    assert len(feed.items) == 1, feed
    return feed.items[0]


def test_rss_with_enclosures() -> None:
    feed = feed_parse(
        RSS.encode(), content_type="application/rss+xml", base_url="https://partner.example/rss"
    )
    assert (feed.format, feed.title, feed.problems) == ("rss", "Kazinform & partners", [])
    first, second = feed.items
    assert first.guid == "kazinform-1"
    assert first.title == "Бюджет принят"
    assert first.url == "https://partner.example/news/budget"
    assert first.published_at == datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    assert first.lead == "Мажилис одобрил бюджет."
    assert first.body_html == '<p>Мажилис <a href="https://partner.example/laws/1">одобрил</a> бюджет.</p>'
    assert first.language == "ru"
    assert first.byline == "Айгерим Садыкова"
    assert first.subjects == ("Политика", "Экономика")
    assert [image.url for image in first.images] == [
        "https://partner.example/photos/budget.jpg",
        "https://cdn.partner.example/big.png",
        "https://cdn.partner.example/thumb.jpg",
    ]
    assert first.images[0] == WireImage(
        url="https://partner.example/photos/budget.jpg", mime_type="image/jpeg"
    )

    # No title: the text's opening; no guid nor link: a hash of title and date; no date: None.
    assert second.title == "Only a description, no title, no guid, no date."
    assert second.published_at is None
    assert second.guid == "sha256:" + hashlib.sha256(f"{second.title}\n".encode()).hexdigest()
    assert second.body_html == "<p>Only a description, no title, no guid, no date.</p>"


def test_atom() -> None:
    item = only(feed_parse(ATOM.encode(), base_url="https://atom.example/feed"))
    assert item.guid == "tag:atom.example,2026:1"
    assert item.title == "Жаңа заң"
    assert item.url == "https://atom.example/kz/news/1"
    assert item.published_at == datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
    assert item.lead == "Қысқаша."
    assert item.body_html == '<p>Мәтін <a href="https://atom.example/about">сілтеме</a>.</p>'
    assert item.language == "kk"
    assert item.byline == "Ерлан"
    assert item.images == (WireImage(url="https://atom.example/kz/img/1.png", mime_type="image/png"),)
    assert feed_parse(ATOM.encode()).format == "atom"


def test_newsml_news_item() -> None:
    feed = feed_parse(NEWSML.encode(), base_url="https://partner.example/g2/")
    item = only(feed)
    assert feed.format == "newsml"
    assert item.guid == "urn:newsml:partner.example:20261130:1"
    assert item.title == "Parliament passes the budget"
    assert item.url == "https://partner.example/en/1"
    assert item.published_at == datetime(2026, 11, 30, 4, 30, tzinfo=UTC)
    assert item.lead == "The lower house approved it."
    assert item.body_html == (
        '<h2>Budget</h2><p>Spending <b>rises</b>, see <a href="https://partner.example/en/2">more</a>.</p>'
    )
    assert item.language == "en"
    assert item.byline == "Jane Reporter"
    assert item.subjects == ("Politics",)
    assert item.images == (
        WireImage(url="https://partner.example/pic/1.jpg", caption="A picture", mime_type="image/jpeg"),
    )


def test_newsml_message_package_and_withdrawn_items() -> None:
    item_xml = NEWSML.split("?>", 1)[1]
    withdrawn = item_xml.replace("stat:usable", "stat:canceled").replace(':1"', ':2"')
    picture = item_xml.replace("ninat:text", "ninat:picture").replace(':1"', ':3"')
    picture = picture.split("<contentSet>")[0] + "</newsItem>"
    message = (
        '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2026-11-30T10:00:00Z</sent>'
        f"</header><itemSet>{item_xml}{withdrawn}{picture}</itemSet></newsMessage>"
    )
    feed = feed_parse(message.encode())
    assert [item.guid for item in feed.items] == ["urn:newsml:partner.example:20261130:1"]
    assert feed.problems == [
        "urn:newsml:partner.example:20261130:2: withdrawn (stat:canceled)",
        "urn:newsml:partner.example:20261130:3: not a text item (ninat:picture)",
    ]

    package = """<packageItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="p" version="1" xml:lang="ru">
      <itemMeta><itemClass qcode="ninat:composite"/><title>Лента</title></itemMeta>
      <groupSet root="G1"><group id="G1"><itemRef residref="urn:a" href="https://p.example/a.xml">
        <versionCreated>2026-11-30T10:00:00Z</versionCreated><headline>Первый</headline>
        <description>Кратко</description></itemRef>
        <itemRef residref="urn:b"><pubStatus qcode="stat:withheld"/><headline>Второй</headline></itemRef>
      </group></groupSet></packageItem>"""
    feed = feed_parse(package.encode(), base_url="https://p.example/feeds/package.xml")
    assert (feed.title, feed.problems, feed.items) == ("Лента", ["urn:b: withdrawn (stat:withheld)"], [])
    (ref,) = feed.refs  # the ingest fetches it (test_packages.py)
    assert ref.href == "https://p.example/a.xml"
    assert (ref.item.guid, ref.item.title, ref.item.lead, ref.item.language, ref.item.body_html) == (
        "urn:a",
        "Первый",
        "Кратко",
        "ru",
        "",
    )
    assert ref.item.published_at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    relative = package.replace('href="https://p.example/a.xml"', 'href="items/a.xml"')
    (ref,) = feed_parse(relative.encode(), base_url="https://p.example/feeds/package.xml").refs
    assert ref.href == "https://p.example/feeds/items/a.xml"
    hostile = package.replace('href="https://p.example/a.xml"', 'href="file:///etc/passwd"')
    (ref,) = feed_parse(hostile.encode(), base_url="https://p.example/feeds/package.xml").refs
    assert ref.href == ""  # urn:a is no URL either: nothing to fetch


def test_format_detection() -> None:
    assert format_detect(RSS.encode()) == "rss"
    assert format_detect(ATOM.encode()) == "atom"
    assert format_detect(NEWSML.encode()) == "newsml"
    prolog = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- <feed> --><!DOCTYPE x [<!ELEMENT x ANY>]>\n<g2:newsItem xmlns:g2="n"/>'
    assert format_detect(prolog) == "newsml"
    assert format_detect(ATOM.encode("utf-16")) == "atom"
    assert format_detect(b"<rdf:RDF>") == "rss"


# --- Encodings ------------------------------------------------------------------------------------

CYRILLIC = "<rss version='2.0'><channel><item><title>Привет, мир</title><guid>1</guid></item></channel></rss>"


@pytest.mark.parametrize(
    ("text", "content_type", "codec"),
    [
        ('<?xml version="1.0" encoding="windows-1251"?>' + CYRILLIC, "application/rss+xml", "cp1251"),
        ('<?xml version="1.0" encoding="utf-8"?>' + CYRILLIC, "application/rss+xml", "cp1251"),
        ('<?xml version="1.0"?>' + CYRILLIC, "text/xml; charset=windows-1251", "cp1251"),
        ('<?xml version="1.0"?>' + CYRILLIC, "", "cp1251"),
        ('<?xml version="1.0" encoding="utf-16"?>' + CYRILLIC, "", "utf-16"),
        ('<?xml version="1.0" encoding="koi8-r"?>' + CYRILLIC, "application/xml", "koi8-r"),
        (CYRILLIC, "application/rss+xml; charset=utf-8", "utf-8"),
        ('<?xml version="1.0" encoding="windows-1251"?>' + CYRILLIC, "", "utf-8"),
        ('<?xml version="1.0"?>' + CYRILLIC, "text/xml; charset=iso-8859-1", "utf-8"),
    ],
    ids=[
        "declared-1251",
        "utf8-label-on-1251",
        "http-charset",
        "undeclared-1251",
        "utf-16",
        "koi8-r",
        "utf-8",
        "1251-label-on-utf8",
        "latin1-http-label-on-utf8",
    ],
)
def test_wrong_and_missing_encodings(text: str, content_type: str, codec: str) -> None:
    assert only(feed_parse(text.encode(codec), content_type=content_type)).title == "Привет, мир"


def test_mixed_encodings_and_line_endings() -> None:
    """UTF-8 with one item pasted in windows-1251, lines ending in CRLF, LF and CR."""
    body = (
        b'<?xml version="1.0" encoding="utf-8"?>\r\n<rss version="2.0"><channel>\r\n'
        + "<item><title>Первый</title><guid>1</guid><description>a\r\nb\rc\nd</description></item>\n".encode()
        + "<item><title>Второй</title><guid>2</guid></item>\r".encode("cp1251")
        + b"</channel></rss>"
    )
    feed = feed_parse(body)
    assert [item.title for item in feed.items] == ["Первый", "Второй"]
    assert feed.items[0].lead == "a b c d"


def test_newsml_with_a_wrong_encoding_label() -> None:
    body = NEWSML.replace("Parliament passes the budget", "Парламент принял бюджет").encode("cp1251")
    assert only(feed_parse(body)).title == "Парламент принял бюджет"


# --- Ill-formed ---------------------------------------------------------------------------------


def test_html_entities_in_xml_and_malformed_rss_still_yield_items() -> None:
    body = b"""<rss version="2.0"><channel><title>T&nbsp;T</title>
      <item><title>Caf&eacute; &mdash; &laquo;quoted&raquo; &amp; more</title><guid>1</guid>
      <description>unclosed <p>para</description></item>
      <item><title>Second & broken</title><guid>2</guid>"""
    feed = feed_parse(body)
    assert [item.title for item in feed.items][:1] == ["Café — «quoted» & more"]
    assert feed.items[0].body_html == "<p>unclosed</p><p>para</p>"


def test_html_entities_in_newsml() -> None:
    body = NEWSML.replace("Parliament passes", "Parliament&nbsp;passes &eacute;").encode()
    feed = feed_parse(body)
    assert only(feed).title == "Parliament passes é the budget"
    assert feed.problems == []


def test_malformed_newsml_is_repaired_or_refused() -> None:
    truncated = NEWSML[: NEWSML.index("<contentSet>")]
    feed = feed_parse(truncated.encode())
    assert only(feed).title == "Parliament passes the budget"
    assert feed.problems and feed.problems[0].startswith("malformed XML, repaired: ")
    with pytest.raises(ParseError, match=r"^malformed XML: "):
        feed_parse(b"<newsItem", format="newsml")
    with pytest.raises(ParseError, match=r"^not a NewsML-G2 document \(root element 'rss'\)$"):
        feed_parse(RSS.encode(), format="newsml")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty document"),
        (b"   \n ", "empty document"),
        (b"just some words", "not an RSS, Atom or NewsML-G2 feed"),
        (b"<html><body><p>A web page</p></body></html>", "not an RSS, Atom or NewsML-G2 feed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not an RSS, Atom or NewsML-G2 feed"),
        (b"<rss version='2.0'><channel><title>x</title><item", "malformed feed"),
    ],
)
def test_what_is_not_a_feed_is_one_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        feed_parse(body)
    text = str(caught.value)
    assert text.startswith(message) and "\n" not in text


def test_unknown_format_name() -> None:
    with pytest.raises(ParseError, match="unknown feed format"):
        feed_parse(RSS.encode(), format="json")


def test_a_valid_empty_feed_has_no_items() -> None:
    feed = feed_parse(b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>")
    assert (feed.format, feed.title, feed.items) == ("rss", "Quiet", [])


def test_forced_format_reads_atom_through_feedparser() -> None:
    assert only(feed_parse(ATOM.encode(), format="rss")).title == "Жаңа заң"


# Behaviours of feedparser's own test suite (tests/illformed, tests/wellformed), in our own words.
FEEDPARSER_CASES = [
    (  # an invalid DOCTYPE is ignored
        b'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        b'"http://site.invalid/">\n<rss><channel><title>found</title><item><title>i</title></item></channel></rss>',
        "i",
        "",
    ),
    (  # &amp; in a link is one ampersand; the unclosed </rss is forgiven
        b'<rss version="2.0"><channel><item><title>t</title><link>http://link/get?a=1&amp;b=2</link>'
        b"</item></channel></rss",
        "t",
        "http://link/get?a=1&b=2",
    ),
    (  # references to no character become U+FFFD
        b'<rss version="2.0"><channel><item><title>a &#1114112; b &#x110000; c &#55296; d</title>'
        b"</item></channel></rss>",
        "a \ufffd b \ufffd c \ufffd d",
        "",
    ),
    (  # HTML entities under RSS 0.91's Netscape DOCTYPE (expat would drop them silently)
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>x</title>'
        b"<item><title>&eacute;t&eacute;</title><link>http://a/</link></item></channel></rss>",
        "été",
        "http://a/",
    ),
    (  # RSS 1.0 (RDF)
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
        b'<channel><title>t</title></channel><item rdf:about="http://a/1"><title>RDF item</title>'
        b"<link>http://a/1</link></item></rdf:RDF>",
        "RDF item",
        "http://a/1",
    ),
    (  # a simple entity declared in the DOCTYPE
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY copy "&#169;">\n]>\n'
        b'<rss version="2.0"><channel><item><title>&copy; 2026</title></item></channel></rss>',
        "© 2026",
        "",
    ),
]


@pytest.mark.parametrize(("body", "title", "url"), FEEDPARSER_CASES)
def test_feedparser_suite_behaviours(body: bytes, title: str, url: str) -> None:
    item = only(feed_parse(body))
    assert (item.title, item.url) == (title, url)
