"""Fixtures shared by every app's tests and the cross-app journeys in tests/."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# same tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def service_reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Browser tests use live_server, whose transactional flush empties the database, so
    # they run after the others.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The three editions and their sections exist for every test."""
    from newsdesk.home.services import edition_tree_ensure

    with django_db_blocker.unblock():
        edition_tree_ensure()


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Every test starts with empty caches (pages, most viewed, rate limits...)."""
    from django.core.cache import caches

    def clear() -> None:
        for alias in ("default", "pages"):
            cache = caches[alias]
            # On Redis only this run's keys go; never FLUSHDB a shared server.
            delete_pattern = getattr(cache, "delete_pattern", None)
            delete_pattern("*") if delete_pattern else cache.clear()

    clear()
    yield
    clear()


@pytest.fixture
def homes(db):  # type: ignore[no-untyped-def]
    """{language code: HomePage}; rebuilt if a transactional test flushed the tree."""
    from newsdesk.home.services import edition_tree_ensure

    return edition_tree_ensure()


@pytest.fixture
def sections(homes):  # type: ignore[no-untyped-def]
    """{(language code, section slug): SectionPage}."""
    from newsdesk.articles.models import SectionPage

    return {
        (code, section.slug): section
        for code, home in homes.items()
        for section in SectionPage.objects.child_of(home)
    }


@pytest.fixture
def seed_article(homes):  # type: ignore[no-untyped-def]
    """The agency's seed article (shared/seed-article.txt) and its ru/kk translations."""
    from newsdesk.articles.models import ArticlePage
    from newsdesk.home.services import demo_content_load

    demo_content_load(only={"seed"})
    return ArticlePage.objects.get(
        locale__language_code="en", slug="kazakh-and-russian-presidents-held-a-meeting"
    )


@pytest.fixture
def require_redis() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if not service_reachable("127.0.0.1", 6379):
        if IN_CI:
            pytest.fail("Redis at 127.0.0.1:6379 is required under CI=true")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    return url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (Playwright cannot download browsers here)."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing; `make test` installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_in_browser(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_server(live_server):  # type: ignore[no-untyped-def]
    """pytest-django's live server with the page cache in front, as `newsdesk/wsgi.py` has it."""
    from newsdesk.core.pagecache.layer import PageCacheMiddleware

    httpd = live_server.thread.httpd
    original = httpd.get_app()
    httpd.set_app(PageCacheMiddleware(original))
    yield live_server
    httpd.set_app(original)
