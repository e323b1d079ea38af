"""The reader's pages in Chromium (issue 14): axe-core finds no violation on an article, the
edition homes, a section and a search page, and on the article with a lead photo and a gallery
(phone and desktop widths); the header search works with scripts turned off in every edition;
the print stylesheet leaves the story, its date and its address.

axe-core is the npm package pinned in tests/axe/package-lock.json (`make test` installs it
with `npm ci`); nothing is fetched while the tests run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from wagtail.models import Collection

from newsdesk.analytics.tests.conftest import CHROME, analytics_isolation  # noqa: F401 (autouse fixture)
from newsdesk.articles.models import ArticlePage
from newsdesk.home.services import demo_content_load
from tests.test_reader_page import HEADER_SEARCH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 412, "height": 823}, "desktop": {"width": 1280, "height": 800}}
# Every rule axe runs by default (WCAG 2.0-2.2 A and AA, and its best practices), reduced to
# what a failure message needs.
AXE_RUN = """async () => {
  const results = await axe.run(document);
  return {
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ') + ' ' + n.html.slice(0, 120)),
    })),
    passes: results.passes.map((p) => p.id),
  };
}"""
# The demo story with a lead photo and a gallery (newsdesk/home/demo_content/stories.json).
PHOTO_STORY = "space-photography-exhibition-astana"
PHOTO_STORY_SLUG = "astana-exhibition-shows-space-photography"
# A word of the seed article's title in each edition, as a reader would type it.
QUERIES = {"en": "presidents", "ru": "президенты", "kk": "президенттері"}


@pytest.fixture(autouse=True)
def words_only(settings: Any) -> None:
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make axe-core` (part of `make test`) installs it")
    return AXE.read_text()


@pytest.fixture
def photo_story(seed_article: ArticlePage) -> ArticlePage:
    """The demo story with a lead photo and a gallery (issue 14's photos part), in English."""
    if Collection.get_first_root_node() is None:
        # An earlier transactional test's flush took the migrations' root collection with it.
        Collection.add_root(name="Root")
    demo_content_load(only={PHOTO_STORY})
    return ArticlePage.objects.get(locale__language_code="en", slug=PHOTO_STORY_SLUG)


@pytest.fixture
def translations(seed_article: ArticlePage) -> dict[str, ArticlePage]:
    return {
        article.locale.language_code: article
        for article in ArticlePage.objects.filter(
            translation_key=seed_article.translation_key
        ).select_related("locale")
    }


def axe_check(page: Any, axe_source: str, url: str) -> dict[str, Any]:
    response = page.goto(url)
    assert response.status == 200, url
    page.add_script_tag(content=axe_source)
    return page.evaluate(AXE_RUN)


@pytest.fixture
def axe_context(browser: Any) -> Iterator[Any]:
    """A context that lets the injected axe-core run: the site's CSP refuses inline scripts."""
    contexts = []

    def new(viewport: dict[str, int]) -> Any:
        context = browser.new_context(locale="en-US", user_agent=CHROME, viewport=viewport, bypass_csp=True)
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()


def test_axe_finds_no_violation_on_the_readers_pages(
    live_server: Any,
    axe_context: Any,
    axe_source: str,
    translations: dict[str, ArticlePage],
) -> None:
    paths = [
        *(translations[code].url for code in ("en", "ru", "kk")),
        "/en/",
        "/ru/",
        "/kk/",
        "/en/politics/",
        "/kk/politics/",
        "/en/search/?q=president",
        "/ru/search/?q=президент",
    ]
    # The Kazakh edition in Latin script (issue 13): its home and article, with the script switch.
    paths += ["/kk-latn/", translations["kk"].url.replace("/kk/", "/kk-latn/", 1)]
    found: dict[str, list[Any]] = {}
    for width, viewport in VIEWPORTS.items():
        page = axe_context(viewport).new_page()
        for path in paths:
            results = axe_check(page, axe_source, live_server.url + path)
            if results["violations"]:
                found[f"{width} {path}"] = results["violations"]
            # axe really looked: the rules Lighthouse failed us on ran and passed.
            assert {"heading-order", "landmark-unique", "label", "color-contrast"} <= set(
                results["passes"]
            ), path
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_axe_finds_no_violation_on_the_photo_story(
    live_server: Any, axe_context: Any, axe_source: str, photo_story: ArticlePage
) -> None:
    """The article with a lead photo and a gallery, at both widths."""
    found = {}
    for width, viewport in VIEWPORTS.items():
        page = axe_context(viewport).new_page()
        results = axe_check(page, axe_source, live_server.url + photo_story.url)
        assert page.locator(".gallery").count() == 1 and page.locator("picture").count() >= 1
        if results["violations"]:
            found[width] = results["violations"]
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_axe_would_report_a_violation(
    live_server: Any, axe_context: Any, axe_source: str, seed_article: ArticlePage
) -> None:
    """The harness itself: an unlabelled field and an image without text are reported."""
    page = axe_context(VIEWPORTS["phone"]).new_page()
    page.goto(live_server.url + "/en/")
    page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<img src="/static/img/icon-192.png"><input type="text" name="x">\')'
    )
    page.add_script_tag(content=axe_source)
    assert {"image-alt", "label"} <= {v["id"] for v in page.evaluate(AXE_RUN)["violations"]}


def test_header_search_works_without_javascript(
    live_server: Any, browser: Any, translations: dict[str, ArticlePage]
) -> None:
    context = browser.new_context(locale="en-US", user_agent=CHROME, java_script_enabled=False)
    page = context.new_page()
    try:
        for code, query in QUERIES.items():
            page.goto(f"{live_server.url}/{code}/")
            form = page.get_by_role("search", name=HEADER_SEARCH[code]["form"])
            field = form.get_by_role("searchbox", name=HEADER_SEARCH[code]["label"])
            field.fill(query)
            with page.expect_navigation():
                field.press("Enter")
            address = urlsplit(page.url)
            assert (address.path, parse_qs(address.query)) == (f"/{code}/search/", {"q": [query]})
            assert page.locator("html").get_attribute("lang") == code
            titles = [t.strip() for t in page.locator(".search-result__title").all_text_contents()]
            assert translations[code].title in titles, (code, titles)
            # The button submits too, and the header keeps the edition's search.
            page.locator("#site-search-q").fill(query)
            with page.expect_navigation():
                page.locator(".site-search__button").click()
            assert page.url.startswith(f"{live_server.url}/{code}/search/?q=")
    finally:
        context.close()


def test_print_stylesheet_leaves_the_story_its_date_and_address(
    live_server: Any, browser: Any, seed_article: ArticlePage
) -> None:
    context = browser.new_context(locale="en-US", user_agent=CHROME)
    page = context.new_page()
    try:
        page.goto(live_server.url + seed_article.url)
        site_parts = [
            ".sections-nav",
            ".site-search",
            ".edition-switcher",
            ".site-footer",
            ".most-viewed",
            ".related-news",
            ".error-hint",
        ]
        printed_url = page.locator(".print-url")
        # On screen: the site is there, the printed address is not.
        assert all(page.locator(part).first.is_visible() for part in site_parts)
        assert not printed_url.is_visible()

        page.emulate_media(media="print")
        hidden = [part for part in site_parts if page.locator(part).first.is_visible()]
        assert hidden == []
        assert printed_url.is_visible() and printed_url.inner_text() == seed_article.full_url
        assert page.locator(".article__title").is_visible()
        assert page.locator(".article__meta time").is_visible()
        assert page.locator(".article__meta time").inner_text() == "22.08.2021, 08:42"
        assert page.locator(".article__body").is_visible()
    finally:
        context.close()
