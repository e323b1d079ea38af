"""Who counts as a reader, and how readers are told apart without storing addresses."""

from __future__ import annotations

from datetime import UTC, datetime

import crawleruseragents
import pytest
import time_machine
from django.test import RequestFactory

from newsdesk.analytics.models import DailySalt
from newsdesk.analytics.readers import (
    daily_salts_forget,
    reader_from_request,
    request_is_prefetch,
    user_agent_is_bot,
)
from newsdesk.core.http import client_ip

from .conftest import CHROME, FIREFOX, SAFARI

BROWSERS = [
    CHROME,
    FIREFOX,
    SAFARI,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
    "Safari/537.36 Edg/126.0.2592.68",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 "
    "Mobile Safari/537.36 YaBrowser/24.6.0.0",
]


def test_the_fast_matcher_agrees_with_the_crawler_list_on_every_example_it_ships() -> None:
    examples = [i for item in crawleruseragents.CRAWLER_USER_AGENTS_DATA for i in item.get("instances", [])]
    assert len(examples) > 1000
    user_agent_is_bot.cache_clear()
    disagreements = [
        ua for ua in examples + BROWSERS if user_agent_is_bot(ua) != crawleruseragents.is_crawler(ua)
    ]
    # Only our additions (headless browsers) may differ, and only towards "bot".
    assert all(user_agent_is_bot(ua) and "headless" in ua.lower() for ua in disagreements), disagreements[:5]


@pytest.mark.parametrize("user_agent", BROWSERS)
def test_browsers_are_readers(user_agent: str) -> None:
    assert user_agent_is_bot(user_agent) is False


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "   ",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 HeadlessChrome/120.0",
        "PhantomJS/2.1",
    ],
)
def test_bots(user_agent: str) -> None:
    assert user_agent_is_bot(user_agent) is True


def test_prefetch_headers(rf: RequestFactory) -> None:
    assert request_is_prefetch(rf.get("/", HTTP_SEC_PURPOSE="prefetch;prerender"))
    assert request_is_prefetch(rf.get("/", HTTP_PURPOSE="prefetch"))
    assert request_is_prefetch(rf.get("/", HTTP_X_MOZ="prefetch"))
    assert not request_is_prefetch(rf.get("/"))


def test_the_client_address_ignores_forwarded_for_unless_proxies_are_trusted(
    rf: RequestFactory, settings
) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    assert client_ip(request) == "10.0.0.5"
    settings.TRUSTED_PROXY_COUNT = 1
    # The leftmost entry is whatever the client wrote; our proxy appended the real one.
    assert client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: the header is not ours
    assert client_ip(request) == "10.0.0.5"


@pytest.mark.django_db
def test_readers_are_a_salted_hash_that_changes_daily_and_whose_salt_is_thrown_away(
    rf: RequestFactory,
) -> None:
    request = rf.get("/", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT=CHROME)
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        monday = reader_from_request(request)
        assert reader_from_request(request) == monday
        assert reader_from_request(rf.get("/", REMOTE_ADDR="203.0.113.78", HTTP_USER_AGENT=CHROME)) != monday
        assert "203.0.113.77" not in monday.hash and len(monday.hash) == 64
    # 19:00 UTC is already the next day in Almaty (UTC+5).
    with time_machine.travel(datetime(2026, 3, 10, 19, 30, tzinfo=UTC), tick=False):
        tuesday = reader_from_request(request)
        assert tuesday.hash != monday.hash
        assert str(tuesday.day) == "2026-03-11"
        assert daily_salts_forget(today=tuesday.day) == 1
    assert list(DailySalt.objects.values_list("day", flat=True)) == [tuesday.day]
    assert not any("203.0.113" in salt for salt in DailySalt.objects.values_list("salt", flat=True))
