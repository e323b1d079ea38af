"""Who counts as a reader, and how readers are told apart without storing addresses."""

from __future__ import annotations

import tracemalloc

import crawleruseragents
import pytest
from django.test import RequestFactory

from newsdesk.analytics import readers
from newsdesk.analytics.readers import (
    request_is_prefetch,
    user_agent_answers_forget,
    user_agent_is_bot,
)
from newsdesk.core.http import client_ip
from newsdesk.core.readers import MAX_USER_AGENT

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
    user_agent_answers_forget()
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


def test_remembered_answers_stay_small_however_long_the_agents() -> None:
    """1,000 distinct 8 KB agents: keyed by whole agents they held 8 MB (PITFALLS 16)."""
    user_agent_answers_forget()
    user_agent_is_bot(CHROME)  # the crawler matcher and the regexes are built
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for n in range(1_000):
            assert user_agent_is_bot(f"{CHROME} {n:05d} ".ljust(8 * 1024, "x")) is False
        grown, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert grown - before < 300_000, f"{(grown - before) / 1e6:.1f} MB kept for 1,000 agents"


def test_remembered_answers_are_bounded_in_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "BOT_ANSWERS_MAX", 50)
    user_agent_answers_forget()
    for n in range(500):
        assert user_agent_is_bot(f"{CHROME} {n}") is False
        assert len(readers._bot_answers) <= 50
    assert user_agent_is_bot("Googlebot/2.1") is True


def test_only_the_first_characters_of_an_agent_are_checked() -> None:
    # A crawler names itself at the start; what a client pads its header with is not read.
    assert user_agent_is_bot("Googlebot/2.1 " + "x" * 8000) is True
    assert user_agent_is_bot(CHROME.ljust(MAX_USER_AGENT, " ") + "Googlebot/2.1") is False
