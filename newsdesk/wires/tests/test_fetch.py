"""Hardened fetching against a real HTTP server on 127.0.0.1 (issue 11, "Fetching and parsing")."""

from __future__ import annotations

import base64
import gzip
import ipaddress
import time
from collections.abc import Iterator

import pytest

from newsdesk.wires import fetch as fetch_module
from newsdesk.wires.addresses import address_refusal
from newsdesk.wires.fetch import MAX_REDIRECTS, FetchError, fetch

from .feedserver import Drip, Endless, FeedServer, GzipBomb, Redirect, Static

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def private_allowed(settings):
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = True
    return settings


def one_line(error: FetchError) -> str:
    text = str(error)
    assert text and "\n" not in text and len(text) <= 400
    return text


# --- The SSRF rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.1", "loopback"),
        ("127.9.9.9", "loopback"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:a00:1::1", "private"),  # 6to4 of 10.0.0.1
    ],
)
def test_non_public_addresses_are_refused(settings, address: str, category: str) -> None:
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = False
    parsed = ipaddress.ip_address(address)
    assert address_refusal(parsed) == f"refused: {parsed} is a {category} address"


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(settings, address: str) -> None:
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = False
    assert address_refusal(ipaddress.ip_address(address)) == ""


def test_private_networks_allowed_by_setting_or_listed_network(settings) -> None:
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = True
    assert address_refusal(ipaddress.ip_address("10.0.0.1")) == ""
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = False
    settings.WIRES_ALLOWED_NETWORKS = ["10.20.0.0/16", "not a network"]
    assert address_refusal(ipaddress.ip_address("10.20.3.4")) == ""
    assert address_refusal(ipaddress.ip_address("10.21.3.4")).startswith("refused:")


def test_loopback_server_refused_by_default_without_a_request(settings, server: FeedServer) -> None:
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = False
    url = server.route("/rss", Static(RSS))
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert one_line(caught.value) == "refused: 127.0.0.1 is a loopback address"
    assert server.requests == []


def test_name_resolving_to_loopback_is_refused(settings, server: FeedServer) -> None:
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = False
    server.route("/rss", Static(RSS))
    with pytest.raises(FetchError, match=r"^refused: .* is a loopback address$"):
        fetch(server.url("/rss", host="localhost"))
    assert server.requests == []


def test_connection_goes_to_the_vetted_address(private_allowed, server: FeedServer, monkeypatch) -> None:
    """DNS is asked once per hop; the socket connects to the address that was vetted, and the
    Host header still names the host."""
    url = server.route("/rss", Static(RSS))
    calls: list[str] = []
    real = fetch_module._resolve

    def counting(host: str, port: int):
        calls.append(host)
        return real(host, port)

    monkeypatch.setattr(fetch_module, "_resolve", counting)
    fetch(url.replace("127.0.0.1", "localhost"))
    assert calls == ["localhost"]
    assert server.requests[0][1]["Host"] == f"localhost:{server.port}"


def test_redirect_to_a_private_address_is_refused(settings, server: FeedServer) -> None:
    """The first hop's network is allowed (127.0.0.1/32); the redirect's target is checked again
    and refused before any connection (127.0.0.2 and a v4-mapped loopback stay on this machine)."""
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = False
    settings.WIRES_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server.route("/ok", Static(RSS))
    assert fetch(server.url("/ok")).status == 200
    for target in (server.url("/ok", host="127.0.0.2"), f"http://[::ffff:127.0.0.2]:{server.port}/ok"):
        url = server.route("/hop", Redirect(target))
        with pytest.raises(FetchError) as caught:
            fetch(url)
        assert one_line(caught.value).startswith("refused: ")
        assert "loopback" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed.xml",
        "gopher://example.com/",
        "javascript:alert(1)",
        "/relative/feed.xml",
        "http://user:secret@example.com/feed.xml",
        "http:///no-host",
        "http://exa mple.com/",
        "http://[::1/feed.xml",
        "http://example.com:99999/feed.xml",
    ],
)
def test_unacceptable_urls_are_refused_before_any_connection(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    message = one_line(caught.value)
    assert message.startswith(("refused:", "invalid URL:", "cannot resolve"))
    assert "secret" not in message


def test_redirect_to_another_scheme_is_refused(private_allowed, server: FeedServer) -> None:
    url = server.route("/to-file", Redirect("file:///etc/passwd"))
    with pytest.raises(FetchError, match="only http and https"):
        fetch(url)


# --- HTTP behaviour ---------------------------------------------------------------------------


def test_gzip_feed_user_agent_and_accept(private_allowed, server: FeedServer) -> None:
    private_allowed.PUBLIC_BASE_URL = "https://newsdesk.example"
    url = server.route("/rss", Static(RSS, "application/rss+xml; charset=utf-8", gzip=True))
    result = fetch(url)
    assert (result.status, result.body, result.url) == (200, RSS, url)
    assert result.content_type == "application/rss+xml; charset=utf-8"
    headers = server.requests[0][1]
    assert headers["User-Agent"] == "Newsdesk-Wires/1.0 (+https://newsdesk.example)"
    assert "gzip" in headers["Accept-Encoding"]
    assert "application/rss+xml" in headers["Accept"]


def test_concatenated_gzip_members_are_one_body(private_allowed, server: FeedServer) -> None:
    payload = gzip.compress(RSS[:20]) + gzip.compress(RSS[20:])
    url = server.route("/rss", Static(payload, headers={"Content-Encoding": "gzip"}))
    assert fetch(url).body == RSS


def test_conditional_get_with_etag_and_last_modified(private_allowed, server: FeedServer) -> None:
    stamp = "Mon, 30 Nov 2026 09:15:00 GMT"
    url = server.route("/rss", Static(RSS, etag='"v1"', last_modified=stamp))
    first = fetch(url)
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', stamp)
    by_etag = fetch(url, etag=first.etag)
    assert (by_etag.status, by_etag.body, by_etag.etag) == (304, b"", '"v1"')
    by_date = fetch(url, last_modified=first.last_modified)
    assert (by_date.status, by_date.body, by_date.last_modified) == (304, b"", stamp)
    assert server.requests[1][1]["If-None-Match"] == '"v1"'
    assert server.requests[2][1]["If-Modified-Since"] == stamp


def test_basic_auth_is_sent_to_its_origin_only_and_never_shown(private_allowed, server: FeedServer) -> None:
    url = server.route("/rss", Static(RSS))
    fetch(url, auth=("partner", "s3cret-pass"))
    expected = "Basic " + base64.b64encode(b"partner:s3cret-pass").decode()
    assert server.requests[0][1]["Authorization"] == expected

    with FeedServer() as other:
        elsewhere = other.route("/rss", Static(RSS))
        hop = server.route("/hop", Redirect(elsewhere))
        fetch(hop, auth=("partner", "s3cret-pass"))
        assert "Authorization" not in other.requests[0][1]

    failing = server.route("/fail", Static(b"oops", status=500))
    with pytest.raises(FetchError) as caught:
        fetch(failing, auth=("partner", "s3cret-pass"))
    assert "s3cret" not in str(caught.value) and "partner" not in str(caught.value)


@pytest.mark.parametrize(("status", "message"), [(404, "HTTP 404"), (500, "HTTP 500"), (403, "HTTP 403")])
def test_error_statuses(private_allowed, server: FeedServer, status: int, message: str) -> None:
    url = server.route("/err", Static(b"<html>error</html>", "text/html", status=status))
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert one_line(caught.value).startswith(message)


def test_redirects_are_followed_up_to_five(private_allowed, server: FeedServer) -> None:
    server.route("/final", Static(RSS))
    server.route(f"/r{MAX_REDIRECTS}", Redirect("/final", 301))
    for hop in range(MAX_REDIRECTS - 1, 0, -1):
        server.route(f"/r{hop}", Redirect(f"/r{hop + 1}", 307 if hop % 2 else 308))
    result = fetch(server.url("/r1"))
    assert (result.status, result.body, result.url) == (200, RSS, server.url("/final"))

    server.route("/r0", Redirect("/r1", 302))  # one more: six redirects
    with pytest.raises(FetchError, match=r"^too many redirects \(more than 5\)$"):
        fetch(server.url("/r0"))


def test_redirect_loop(private_allowed, server: FeedServer) -> None:
    url = server.route("/loop", Redirect("/loop"))
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(url)
    assert len(server.requests) == MAX_REDIRECTS + 1


# --- Limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compression_bomb_stops_at_the_cap(private_allowed, server: FeedServer, encoding: str) -> None:
    private_allowed.WIRES_FETCH_MAX_BYTES = 1024 * 1024
    url = server.route("/bomb", GzipBomb(size=16 * 1024 * 1024, encoding=encoding))
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert one_line(caught.value) == "too large: more than 1048576 bytes after decompression"
    assert time.monotonic() - started < 5


def test_max_bytes_argument_caps_the_body(private_allowed, server: FeedServer) -> None:
    url = server.route("/rss", Static(RSS))
    assert fetch(url, max_bytes=len(RSS)).body == RSS
    with pytest.raises(FetchError, match="too large"):
        fetch(url, max_bytes=len(RSS) - 1)


def test_oversized_feed_announced_or_endless(private_allowed, server: FeedServer) -> None:
    private_allowed.WIRES_FETCH_MAX_COMPRESSED_BYTES = 256 * 1024
    big = server.route("/big", Static(b"<rss>" + b"x" * 300 * 1024 + b"</rss>"))
    with pytest.raises(FetchError, match=r"^too large: \d+ bytes announced, the limit is 262144$"):
        fetch(big)
    endless = server.route("/endless", Endless())
    with pytest.raises(FetchError, match=r"^too large: more than 262144 bytes received$"):
        fetch(endless)


@pytest.mark.parametrize("headers_too", [False, True])
def test_a_drip_fed_answer_fails_at_the_total_deadline(
    private_allowed, server: FeedServer, headers_too
) -> None:
    """One byte a second never trips the read timeout; the total deadline stops it."""
    private_allowed.WIRES_FETCH_DEADLINE = 1.5
    private_allowed.WIRES_FETCH_READ_TIMEOUT = 10
    url = server.route("/drip", Drip(RSS, interval=0.3, headers_too=headers_too))
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url)
    elapsed = time.monotonic() - started
    assert one_line(caught.value) == "timed out: no complete answer within 1.5 s"
    assert 1.4 <= elapsed < 2.5


def test_a_silent_server_fails_at_the_read_timeout(private_allowed, server: FeedServer) -> None:
    private_allowed.WIRES_FETCH_READ_TIMEOUT = 0.5
    url = server.route("/silent", Drip(b"", interval=0, headers_too=False))
    server.route("/silent", lambda handler: time.sleep(2))
    with pytest.raises(FetchError, match=r"^timed out: no answer within the 0.5 s read timeout$"):
        fetch(url)


def test_nothing_listening(private_allowed, server: FeedServer) -> None:
    with FeedServer() as gone:
        url = gone.url("/rss")
    with pytest.raises(FetchError, match=r"^connection failed: "):
        fetch(url)


def test_a_hanging_resolver_does_not_hang_the_fetch(settings, monkeypatch) -> None:
    settings.WIRES_FETCH_CONNECT_TIMEOUT = 0.3

    def slow(host: str, port: int):
        time.sleep(1)
        return [ipaddress.ip_address("8.8.8.8")]

    monkeypatch.setattr(fetch_module, "_resolve", slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^timed out: resolving partner.example took more than 0.3 s$"):
        fetch("https://partner.example/rss")
    assert time.monotonic() - started < 0.8
