"""A reader's view is counted even when the article page comes from the cache (issue 3)."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from newsdesk.analytics.tests.conftest import CHROME, analytics_isolation  # noqa: F401 (autouse fixture)

SEED_PATH = "/en/politics/kazakh-and-russian-presidents-held-a-meeting/"
COUNT = re.compile(r"<span data-view-count>(\d+)</span>")

# Both tests run against live_server, whose transactional flush empties the database, so they
# carry the `browser` marker that orders them after the others (conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed(homes):
    from newsdesk.articles.models import ArticlePage
    from newsdesk.home.services import demo_content_load

    demo_content_load(only={"seed"})
    return ArticlePage.objects.get(
        locale__language_code="en", slug="kazakh-and-russian-presidents-held-a-meeting"
    )


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"User-Agent": CHROME, **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def shown_count(html: str) -> str:
    match = COUNT.search(html)
    assert match is not None, "the page shows no view count"
    return match.group(1)


def test_a_page_served_from_the_cache_still_counts(live_server, seed) -> None:
    from newsdesk.articles.models import ArticlePage

    url = live_server.url + SEED_PATH
    status, first = http(url)
    assert status == 200 and shown_count(first) == "14557"
    # Change the stored title behind the cache's back: a cached copy still shows the old one.
    ArticlePage.objects.filter(pk=seed.pk).update(title="Changed behind the cache")
    _, second = http(url)
    assert "Kazakh and Russian Presidents held a meeting" in second
    assert "Changed behind the cache" not in second

    body = json.dumps({"article": seed.pk}).encode()
    status, answer = http(
        live_server.url + "/api/analytics/views/",
        data=body,
        headers={"Content-Type": "application/json", "Origin": live_server.url},
    )
    assert status == 200
    assert json.loads(answer) == {"article": seed.pk, "counted": True, "reason": "counted", "views": 14558}
    _, third = http(url)
    assert shown_count(third) == "14557"  # the cached HTML; the script shows the fresh count


def test_chromium_sees_the_seed_articles_counter_go_from_14557_to_14558(live_server, seed, browser) -> None:
    from playwright.sync_api import expect

    reader = browser.new_context(locale="en-US", user_agent=CHROME)
    page = reader.new_page()
    page.goto(live_server.url + SEED_PATH)
    expect(page.locator("[data-view-count]")).to_have_text("14558")
    reader.close()

    # Chromium's own headless user agent is a bot: it sees the count without adding to it.
    headless = browser.new_context(locale="en-US")
    page = headless.new_page()
    with page.expect_response(lambda r: r.url.endswith("/api/analytics/views/")) as beacon:
        page.goto(live_server.url + SEED_PATH)
    assert beacon.value.json()["reason"] == "bot"
    expect(page.locator("[data-view-count]")).to_have_text("14558")
    headless.close()
