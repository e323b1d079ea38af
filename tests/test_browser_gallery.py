"""A photo gallery in Chromium (issue 14): stepped through with the keyboard (arrow keys, Home,
End, the buttons), focus visible, labels in the edition's language, swiping snaps one photo at
a time, and nothing shifts or breaks the strict Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import wagtail_factories

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded from before the page's first script: CSP violations and layout shifts.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
window.__shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
}).observe({ type: 'layout-shift', buffered: true });
"""
STATUS = "[data-gallery-status]"


@pytest.fixture(autouse=True)
def words_only(settings) -> None:
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"


@pytest.fixture
def gallery_article(sections: dict) -> ArticlePage:
    images = [wagtail_factories.ImageFactory(title=f"Фото {n}") for n in range(3)]
    items = [
        {"image": image, "alt": f"Снимок {n}", "caption": f"Подпись {n}", "credit": "Kazinform"}
        for n, image in enumerate(images)
    ]
    article = article_publish(
        section=sections[("ru", "culture")], title="Выставка фотографий", slug="vystavka-fotografii"
    )
    article.body = [
        ("paragraph", "<p>Первый абзац.</p>"),
        ("gallery", {"title": "Выставка", "images": items}),
    ]
    article.save_revision().publish()
    return article


@pytest.fixture
def watched(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def open_gallery(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-gallery].is-enhanced")


def status(page: Any) -> str:
    return page.locator(STATUS).inner_text()


def wait_for_slide(page: Any, index: int) -> None:
    """The status says so and the track has scrolled to that slide."""
    page.wait_for_function(
        """(index) => {
          const track = document.querySelector('[data-gallery-track]');
          const slide = track.querySelectorAll('[data-gallery-slide]')[index];
          const status = document.querySelector('[data-gallery-status]').textContent.trim();
          // The status follows the scroll events, which may come a frame after the scroll.
          return Math.abs(track.scrollLeft - slide.offsetLeft) < 2 && status === `${index + 1} / 3`;
        }""",
        arg=index,
        timeout=5000,
    )
    assert status(page) == f"{index + 1} / 3"


def tab_to(page: Any, selector: str) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def outline_of_focused(page: Any) -> str:
    return page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")


def test_the_keyboard_steps_through_the_gallery(live_server, gallery_article, watched) -> None:
    page = watched
    open_gallery(page, live_server.url + gallery_article.url)
    assert status(page) == "1 / 3"

    tab_to(page, "[data-gallery-track]")
    assert outline_of_focused(page) == "solid"  # :focus-visible
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, 1)
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, 2)
    assert page.get_attribute("[data-gallery-next]", "aria-disabled") == "true"
    page.keyboard.press("ArrowRight")  # already the last: stays
    wait_for_slide(page, 2)
    page.keyboard.press("Home")
    wait_for_slide(page, 0)
    assert page.get_attribute("[data-gallery-prev]", "aria-disabled") == "true"
    page.keyboard.press("End")
    wait_for_slide(page, 2)
    page.keyboard.press("ArrowLeft")
    wait_for_slide(page, 1)

    # The buttons, reached with Tab and pressed with Enter and Space.
    tab_to(page, "[data-gallery-next]")
    assert outline_of_focused(page) == "solid"
    page.keyboard.press("Enter")
    wait_for_slide(page, 2)
    tab_to(page, "[data-gallery-prev]")  # Tab wraps around the page back to it
    page.keyboard.press("Space")
    wait_for_slide(page, 1)

    assert page.evaluate("() => window.__csp") == []
    assert page.errors == []
    assert page.evaluate("() => window.__shift") < 0.01


def test_labels_are_in_the_editions_language(live_server, gallery_article, watched) -> None:
    page = watched
    open_gallery(page, live_server.url + gallery_article.url)
    assert page.get_attribute("[data-gallery-prev]", "aria-label") == "Предыдущее фото"
    assert page.get_attribute("[data-gallery-next]", "aria-label") == "Следующее фото"
    assert page.get_attribute("[data-gallery]", "aria-label") == "Выставка"
    assert page.get_attribute("[data-gallery]", "aria-roledescription") == "фотогалерея"
    slides = page.locator("[data-gallery-slide]")
    assert [slides.nth(n).get_attribute("aria-label") for n in range(3)] == ["1 из 3", "2 из 3", "3 из 3"]
    assert page.locator("[data-gallery-slide] img").first.get_attribute("alt") == "Снимок 0"
    assert "Фото: Kazinform" in page.locator("[data-gallery-slide] figcaption").first.inner_text()


def test_a_swipe_snaps_to_one_photo_and_the_status_follows(live_server, gallery_article, browser) -> None:
    context = browser.new_context(
        locale="ru-RU", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    try:
        open_gallery(page, live_server.url + gallery_article.url)
        track = "[data-gallery-track]"
        assert page.eval_on_selector(track, "(t) => getComputedStyle(t).scrollSnapType") == "x mandatory"
        width = page.eval_on_selector(track, "(t) => t.clientWidth")
        slide_width = page.eval_on_selector("[data-gallery-slide]", "(s) => s.getBoundingClientRect().width")
        assert abs(slide_width - width) < 1  # one photo per screen
        # ...and the page is no wider than the phone (the slides' total width must not leak).
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        # A swipe that stops part of the way: the snap finishes it on the next photo.
        page.eval_on_selector(track, "(t) => t.scrollTo({ left: t.clientWidth * 0.7, behavior: 'instant' })")
        wait_for_slide(page, 1)
        page.eval_on_selector(track, "(t) => t.scrollTo({ left: t.clientWidth * 2, behavior: 'instant' })")
        wait_for_slide(page, 2)
        assert page.get_attribute("[data-gallery-next]", "aria-disabled") == "true"
    finally:
        context.close()
