"""Where a request comes from: the two policies of the site's token-less JSON endpoints."""

import json

import pytest
from django.test import RequestFactory
from django.utils.translation import gettext_lazy

from newsdesk.core.http import (
    UNKNOWN_NETWORK,
    client_network,
    json_error,
    origin_of,
    request_from_own_page,
    request_is_cross_site,
)


def test_origin_of_keeps_scheme_host_and_port_only() -> None:
    assert origin_of("HTTPS://News.Example.kz:8443/ru/a/?q=1") == "https://news.example.kz:8443"
    assert origin_of("null") is None
    assert origin_of("ftp://example.kz/") is None
    assert origin_of("") is None
    assert origin_of(None) is None


@pytest.mark.parametrize(
    ("headers", "cross_site", "own_page"),
    [
        ({"HTTP_SEC_FETCH_SITE": "same-origin"}, False, True),
        ({"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"}, True, False),
        ({"HTTP_ORIGIN": "http://testserver"}, False, True),
        ({"HTTP_ORIGIN": "https://testserver"}, True, False),  # another scheme, another origin
        ({"HTTP_ORIGIN": "https://evil.example"}, True, False),
        ({"HTTP_ORIGIN": "http://testserver.evil.example"}, True, False),
        ({"HTTP_ORIGIN": "null"}, True, False),
        ({"HTTP_REFERER": "http://testserver/ru/politics/story/"}, False, True),
        ({"HTTP_REFERER": "https://evil.example/page"}, False, False),
        ({"HTTP_SEC_FETCH_SITE": "same-site"}, False, False),
        ({}, False, False),  # a script or an old browser: lenient says "not cross-site", strict refuses
    ],
)
def test_the_lenient_and_the_strict_policy(
    rf: RequestFactory, headers, cross_site: bool, own_page: bool
) -> None:
    request = rf.post("/", **headers)
    assert request_is_cross_site(request) is cross_site
    assert request_from_own_page(request) is own_page


def test_trusted_origins_and_the_public_address_are_ours(rf: RequestFactory, settings) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.kz", "https://partner.example.com"]
    settings.PUBLIC_BASE_URL = "https://www.agency.kz"
    for origin in ("https://m.example.kz", "https://partner.example.com", "https://www.agency.kz"):
        request = rf.post("/", HTTP_ORIGIN=origin)
        assert not request_is_cross_site(request)
        assert request_from_own_page(request)
    request = rf.post("/", HTTP_ORIGIN="http://m.example.kz")  # the wildcard names https only
    assert request_is_cross_site(request)
    assert not request_from_own_page(request)


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),  # IPv4-mapped: a dual-stack socket's IPv4 reader
        ("fe80::1%eth0", "fe80::/64"),
        ("::1", "::/64"),
        ("", UNKNOWN_NETWORK),
        ("not an address", UNKNOWN_NETWORK),
        ("999.1.1.1", UNKNOWN_NETWORK),
        ("1.2.3.4, 5.6.7.8", UNKNOWN_NETWORK),
        ("\udcff", UNKNOWN_NETWORK),
    ],
)
def test_client_network(ip: str, network: str) -> None:
    assert client_network(ip) == network


def test_client_network_never_raises_on_what_is_not_text() -> None:
    assert client_network(None) == UNKNOWN_NETWORK  # type: ignore[arg-type]
    assert client_network(b"1.2.3.4") == UNKNOWN_NETWORK  # type: ignore[arg-type]


def test_json_error_shape() -> None:
    response = json_error(status=429, code="rate_limited", message=gettext_lazy("Slow down."), field="")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"error": "rate_limited", "message": "Slow down.", "field": ""}
