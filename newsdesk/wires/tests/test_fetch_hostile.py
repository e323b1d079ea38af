"""Hostile and broken feeds served by a real HTTP server on 127.0.0.1, fetched and parsed as the
ingest does: each ends in items, or in one FetchError/ParseError line; nothing else escapes, and
no body holds a construct our article body does not allow (issue 11, "Proofs")."""

from __future__ import annotations

import gzip
import resource
import time
from collections.abc import Iterator

import pytest

from newsdesk.wires.fetch import FetchError, fetch
from newsdesk.wires.parsing import ParsedFeed, ParseError, feed_parse

from .feedserver import Drip, Endless, FeedServer, GzipBomb, Redirect, Static
from .html_checks import forbidden_constructs
from .test_cleaning import HOSTILE
from .test_parsing import ATOM, NEWSML, RSS

LAUGHS = "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
BILLION_LAUGHS_DTD = f'<!DOCTYPE lolz [<!ENTITY lol0 "lol">{LAUGHS}]>'


def billion_laughs(document: str) -> bytes:
    head, rest = document.split("?>", 1) if document.startswith("<?xml") else ("", document)
    declared = head + "?>" if head else ""
    return (declared + BILLION_LAUGHS_DTD + rest.replace("</title>", "&lol9;</title>", 1)).encode()


def xxe(document: str, system_id: str) -> bytes:
    head, rest = document.split("?>", 1)
    dtd = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{system_id}">]>'
    return (head + "?>" + dtd + rest.replace("</title>", "&xxe;</title>", 1)).encode()


def hostile_rss() -> bytes:
    items = "".join(
        f"<item><title>Hostile {n}</title><guid>h{n}</guid>"
        f"<description><![CDATA[{html}]]></description>"
        f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
        for n, html in enumerate(HOSTILE)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Hostile</title>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def server(settings) -> Iterator[FeedServer]:
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = True
    settings.WIRES_FETCH_DEADLINE = 1.5
    settings.WIRES_FETCH_MAX_COMPRESSED_BYTES = 512 * 1024
    settings.WIRES_FETCH_MAX_BYTES = 2 * 1024 * 1024
    with FeedServer() as running:
        yield running


def outcome(url: str) -> tuple[str, ParsedFeed | str]:
    """("items", feed), ("fetch", reason) or ("parse", reason); anything else is a failure."""
    try:
        fetched = fetch(url)
    except FetchError as error:
        return "fetch", str(error)
    try:
        return "items", feed_parse(fetched.body, content_type=fetched.content_type, base_url=fetched.url)
    except ParseError as error:
        return "parse", str(error)


def assert_clean(feed: ParsedFeed) -> None:
    for item in feed.items:
        assert forbidden_constructs(item.body_html) == [], (item.guid, item.body_html)


def test_every_hostile_feed_gets_its_outcome(server: FeedServer, settings, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT")
    routes: dict[str, tuple[object, str]] = {
        "/rss": (Static(RSS.encode(), "application/rss+xml; charset=utf-8"), "items"),
        "/atom": (Static(ATOM.encode(), "application/atom+xml"), "items"),
        "/newsml": (Static(NEWSML.encode(), "application/vnd.iptc.g2.newsitem+xml"), "items"),
        "/gzipped": (Static(RSS.encode(), "application/rss+xml", gzip=True), "items"),
        "/hostile-html": (Static(hostile_rss(), "application/rss+xml"), "items"),
        "/cp1251-labelled-utf8": (
            Static(RSS.encode("cp1251", errors="replace"), "application/rss+xml; charset=utf-8"),
            "items",
        ),
        "/mixed-encodings": (
            Static(RSS.encode().replace("Бюджет принят".encode(), "Бюджет принят".encode("cp1251"))),
            "items",
        ),
        "/malformed-but-readable": (Static(RSS.encode()[: RSS.encode().index(b"<item>", 500)]), "items"),
        "/malformed": (Static(b"<rss version='2.0'><channel><title>x</title><item"), "parse"),
        "/not-a-feed": (Static(b"<html><body>Welcome</body></html>", "text/html"), "parse"),
        "/laughs-rss": (Static(billion_laughs(RSS)), "items"),
        "/laughs-atom": (Static(billion_laughs(ATOM)), "items"),
        "/laughs-newsml": (Static(billion_laughs(NEWSML)), "parse"),
        "/xxe-file-rss": (Static(xxe(RSS, secret.as_uri())), "items"),
        "/xxe-http-rss": (Static(xxe(RSS, server.url("/xxe-target"))), "items"),
        "/xxe-file-atom": (Static(xxe(ATOM, secret.as_uri())), "items"),
        "/xxe-file-newsml": (Static(xxe(NEWSML, secret.as_uri())), "parse"),
        "/xxe-http-newsml": (Static(xxe(NEWSML, server.url("/xxe-target"))), "parse"),
        "/gzip-bomb": (GzipBomb(size=32 * 1024 * 1024), "fetch"),
        "/drip": (Drip(RSS.encode(), interval=1.0), "fetch"),
        "/redirect-loop": (Redirect("/redirect-loop"), "fetch"),
        "/redirect-private": (Redirect("http://[::ffff:127.0.0.2]/rss"), "fetch"),
        "/missing": (Static(b"gone", "text/plain", status=404), "fetch"),
        "/broken": (Static(b"oops", "text/plain", status=500), "fetch"),
        "/oversized": (Static(b"<rss>" + b" " * 600 * 1024 + b"</rss>"), "fetch"),
        "/endless": (Endless(), "fetch"),
    }
    server.route("/xxe-target", Static(b"SSRF-REACHED"))
    for path, (handler, _expected) in routes.items():
        server.route(path, handler)  # type: ignore[arg-type]

    results = {}
    for path, (_handler, expected) in routes.items():
        # Private networks are allowed for this server only, not for the redirect's target.
        settings.WIRES_ALLOW_PRIVATE_NETWORKS = path != "/redirect-private"
        settings.WIRES_ALLOWED_NETWORKS = ["127.0.0.1/32"]
        kind, result = outcome(server.url(path))
        results[path] = (kind, result if isinstance(result, str) else len(result.items))
        assert kind == expected, (path, result)
        if isinstance(result, ParsedFeed):
            assert result.items, path
            assert_clean(result)
            for item in result.items:
                for text in (item.title, item.lead, item.body_html):
                    assert "TOP-SECRET" not in text and "SSRF-REACHED" not in text
                    assert "lollollol" not in text
        else:
            assert "\n" not in result and result

    assert not any(path == "/xxe-target" for path, _headers in server.requests)
    assert results["/hostile-html"] == ("items", len(HOSTILE))
    assert results["/gzip-bomb"][1].startswith("too large: more than 2097152 bytes after decompression")
    assert results["/drip"][1] == "timed out: no complete answer within 1.5 s"
    assert results["/redirect-loop"][1] == "too many redirects (more than 5)"
    assert results["/redirect-private"][1] == "refused: ::ffff:7f00:2 is a loopback address"
    assert results["/missing"][1] == "HTTP 404 Not Found"
    assert results["/broken"][1].startswith("HTTP 500")
    assert results["/laughs-newsml"][1].startswith("refused: the XML declares entities")


def test_billion_laughs_costs_neither_time_nor_memory() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    for document in (RSS, ATOM):
        feed = feed_parse(billion_laughs(document))
        assert feed.items and all(len(item.title) < 300 for item in feed.items)
    with pytest.raises(ParseError):
        feed_parse(billion_laughs(NEWSML))
    assert time.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KiB: < 100 MB


def test_gzip_encoded_billion_laughs_is_still_parsed_safely(server: FeedServer) -> None:
    url = server.route(
        "/laughs.gz", Static(gzip.compress(billion_laughs(RSS)), headers={"Content-Encoding": "gzip"})
    )
    kind, feed = outcome(url)
    assert kind == "items" and isinstance(feed, ParsedFeed)
    assert_clean(feed)
