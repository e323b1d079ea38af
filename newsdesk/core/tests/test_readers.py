"""The reader's anonymous identity: a salted hash that changes daily and stores no address."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import RequestFactory

from newsdesk.core.models import DailySalt
from newsdesk.core.readers import MAX_USER_AGENT, daily_salts_forget, reader_from_request, reader_hash

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


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


@pytest.mark.django_db
def test_reader_hash_is_the_hash_of_a_request_from_that_address_and_agent(rf: RequestFactory) -> None:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        from_request = reader_from_request(rf.get("/", REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT=CHROME))
        assert reader_hash(ip="198.51.100.4", user_agent=CHROME) == from_request.hash
        assert reader_hash(ip="198.51.100.4", user_agent=CHROME + "x") != from_request.hash
        # Agents are cut before hashing: only the first MAX_USER_AGENT characters tell readers apart.
        long_agent = CHROME.ljust(MAX_USER_AGENT, "a")
        assert reader_hash(ip="1.2.3.4", user_agent=long_agent + "b") == reader_hash(
            ip="1.2.3.4", user_agent=long_agent + "c"
        )
