"""Issue 13 end to end in Chromium: a reader switches a Kazakh article to the Latin script and
back, reports an error from the Latin page with Ctrl+Enter, and both scripts share one view
counter and one inbox."""

from __future__ import annotations

import re
from typing import Any

import pytest

from newsdesk.analytics.selectors import article_view_count
from newsdesk.analytics.tests.conftest import CHROME, FIREFOX, analytics_isolation  # noqa: F401 (autouse fixture)
from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.corrections.models import ErrorReport
from newsdesk.corrections.selectors import error_report_excerpt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARAGRAPHS = [
    "Өзен суы түнде екі метрге көтерілді. Құтқарушылар 300 тұрғынды көшірді.",
    "Су жұмаға дейін қайтады деп хабарлады әкімдік.",
]
LATIN_FIRST = "Özen suy tünde ekı metrge köterıldı. Qūtqaruşylar 300 tūrğyndy köşırdı."
WORD = "metrge"


@pytest.fixture
def article(sections: dict) -> ArticlePage:
    return article_publish(
        section=sections[("kk", "society")],
        title="Су тасқыны басылды",
        slug="su-tasqyny",
        paragraphs=PARAGRAPHS,
    )


def views_of(article: ArticlePage) -> int:
    # Through the counter, as the page reads it: on the scale path views wait in Redis
    # before they are flushed into the daily rows.
    return article_view_count(article=article) - article.initial_view_count


def word_box(page: Any, word: str) -> dict:
    return page.evaluate(
        """(word) => {
            const text = document.querySelector('[data-article-body] p').firstChild;
            const start = text.data.indexOf(word);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + word.length);
            const r = range.getBoundingClientRect();
            return {x: r.left + r.width / 2, y: r.top + r.height / 2};
        }""",
        word,
    )


def test_switch_scripts_report_from_latin_and_share_the_count(
    live_server: Any, browser: Any, article: ArticlePage
) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    reader = browser.new_context(locale="kk-KZ", user_agent=CHROME)
    page = reader.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + article.url)
    assert page.evaluate("document.documentElement.lang") == "kk"
    assert page.locator("h1").inner_text() == "Су тасқыны басылды"
    expect(page.locator("[data-view-count]")).to_have_text("1")

    # To Latin on the same page, with the switch beside the edition switcher.
    switch = page.locator("nav.script-switcher")
    assert switch.locator("a[aria-current=true]").inner_text() == "Кирилл"
    switch.locator("a[data-script=latn]").click()
    page.wait_for_url(re.compile(r"/kk-latn/society/su-tasqyny/$"))
    assert page.evaluate("document.documentElement.lang") == "kk-Latn"
    assert page.locator("h1").inner_text() == "Su tasqyny basyldy"
    assert page.locator("[data-article-body] p").first.inner_text() == LATIN_FIRST
    assert page.locator("link[rel=canonical]").get_attribute("href").endswith(article.url)
    assert page.locator("nav.script-switcher a[aria-current=true]").inner_text() == "Latyn"
    # Links inside the page stay in Latin.
    assert page.locator("nav.sections-nav a").first.get_attribute("href").startswith("/kk-latn/")

    # And back.
    page.locator("nav.script-switcher a[data-script=cyrl]").click()
    page.wait_for_url(re.compile(r"/kk/society/su-tasqyny/$"))
    assert page.locator("h1").inner_text() == "Су тасқыны басылды"

    # Another reader on the Latin page: the same counter.
    other = browser.new_context(locale="kk-KZ", user_agent=FIREFOX)
    latin_page = other.new_page()
    latin_page.on("pageerror", lambda error: errors.append(str(error)))
    latin_page.goto(live_server.url + article.url.replace("/kk/", "/kk-latn/", 1))
    expect(latin_page.locator("[data-view-count]")).to_have_text("2")
    assert views_of(article) == 2

    # An error reported from the Latin page, with the keyboard.
    box = word_box(latin_page, WORD)
    latin_page.mouse.dblclick(box["x"], box["y"])
    assert latin_page.evaluate("window.getSelection().toString()") == WORD
    latin_page.keyboard.press("Control+Enter")
    dialog = latin_page.locator("dialog.error-report")
    dialog.wait_for(state="visible")
    assert not re.search("[\u0400-\u04ff]", dialog.inner_text()), dialog.inner_text()
    assert dialog.locator(".error-report__context mark").inner_text() == WORD
    latin_page.keyboard.type("metr")
    dialog.locator("button.error-report__send").click()
    dialog.locator(".error-report__status").filter(has_text="Raqmet!").wait_for()

    report = ErrorReport.objects.get()
    assert report.article_id == article.pk and report.selected_text == WORD
    assert "/kk-latn/" in report.url
    excerpt = error_report_excerpt(report=report)
    assert excerpt.before + excerpt.selected + excerpt.after == LATIN_FIRST
    assert excerpt.original == PARAGRAPHS[0]
    assert errors == []
    reader.close()
    other.close()
