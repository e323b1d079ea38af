"""Where a request comes from: the two policies of the site's token-less JSON endpoints."""

import pytest
from django.test import RequestFactory

from newsdesk.core.http import origin_of, request_from_own_page, request_is_cross_site


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
