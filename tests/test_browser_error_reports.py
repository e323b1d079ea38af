"""Issue 4 end to end in Chromium: a reader reports an error on a cached article page, with
the keyboard (Ctrl+Enter) and on a phone (the touch button); an editor finds it in the inbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.corrections.models import ErrorReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARAGRAPHS = [
    "The river rose by two metres overnight. Rescuers evacuated 300 residents from the village of Akmeshit.",
    "Officials said the water would recede by Friday. The damage is estimated at two billion tenge.",
]
WORD = "metres"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 3,
}


@pytest.fixture
def article(sections: dict) -> ArticlePage:
    return article_publish(
        section=sections[("en", "society")], title="Flood waters recede", paragraphs=PARAGRAPHS
    )


@pytest.fixture
def editor(homes: dict, django_user_model: Any) -> Any:
    # The transactional flush of earlier tests removes the migration's groups: make sure.
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    GroupPagePermission.objects.get_or_create(
        group=group,
        page=Page.get_first_root_node(),
        permission=Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page"),
    )
    user = django_user_model.objects.create_user(
        username="desk", password="desk-pass", email="desk@newsroom.test"
    )
    user.groups.add(group)
    return user


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", **PHONE)
    yield context.new_page()
    context.close()


def open_from_cache(page: Any, live_server: Any, article: ArticlePage) -> None:
    """Open the article as a reader gets it from the page cache, and prove that it was.

    A first request fills the cache; the title is then changed in the database behind the
    cache's back (no purge): the page the browser shows still has the old title.
    """
    url = live_server.url + article.url
    assert page.request.get(url).status == 200
    ArticlePage.objects.filter(pk=article.pk).update(title="Changed behind the cache")
    response = page.goto(url)
    assert response.status == 200
    assert "age" in response.headers  # answered by Django's cache middleware
    assert "set-cookie" not in response.headers
    assert page.locator("h1").inner_text() == "Flood waters recede"


def word_box(page: Any, word: str) -> dict:
    """Where `word` is drawn in the first paragraph of the article body."""
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


def select_word(page: Any, word: str) -> None:
    """What a long press leaves behind on a phone: a selection of the word."""
    page.evaluate(
        """(word) => {
            const text = document.querySelector('[data-article-body] p').firstChild;
            const start = text.data.indexOf(word);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + word.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        word,
    )


def find_in_inbox(browser: Any, live_server: Any, word: str) -> str:
    """Log in as the editor and return the inbox row's excerpt HTML for the reported word."""
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "desk")
    page.fill("input[name=password]", "desk-pass")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(live_server.url + "/admin/error-reports/")
    excerpt = page.locator("[data-error-report-excerpt]", has=page.locator("mark", has_text=word)).first
    html = excerpt.inner_html()
    context.close()
    return html


def test_ctrl_enter_on_a_cached_page_reaches_the_editors_inbox(
    live_server: Any, browser: Any, page_in_browser: Any, article: ArticlePage, editor: Any
) -> None:
    page = page_in_browser
    open_from_cache(page, live_server, article)

    box = word_box(page, WORD)
    page.mouse.dblclick(box["x"], box["y"])  # the reader selects the word with the mouse
    assert page.evaluate("window.getSelection().toString()") == WORD
    page.keyboard.press("Control+Enter")

    dialog = page.locator("dialog.error-report")
    dialog.wait_for(state="visible")
    assert dialog.get_attribute("aria-labelledby") == "error-report-title"
    assert page.locator("#error-report-title").inner_text() == "Report an error"
    context = dialog.locator(".error-report__context")
    assert context.locator("mark").inner_text() == WORD
    assert context.inner_text() == "The river rose by two metres overnight."
    assert page.evaluate("document.activeElement.id") == "error-report-comment"

    page.keyboard.type("Our style is meters.")
    dialog.locator("#error-report-suggestion").fill("meters")
    dialog.locator("button.error-report__send").click()
    status = dialog.locator(".error-report__status")
    status.filter(has_text="Thank you! The editors will look into it.").wait_for()

    report = ErrorReport.objects.get()
    assert (report.selected_text, report.comment, report.suggestion) == (
        WORD,
        "Our style is meters.",
        "meters",
    )
    assert report.context_before == "The river rose by two "
    assert report.context_after.startswith(" overnight. Rescuers evacuated")
    assert report.url == live_server.url + article.url

    html = find_in_inbox(browser, live_server, WORD)
    assert "<mark>metres</mark>" in html
    assert html.startswith("The river rose by two <mark>metres</mark> overnight.")


def test_on_a_phone_the_touch_button_opens_the_same_dialog(
    live_server: Any, browser: Any, phone: Any, article: ArticlePage, editor: Any
) -> None:
    page = phone
    open_from_cache(page, live_server, article)
    assert page.evaluate("matchMedia('(pointer: coarse)').matches")

    page.tap("[data-article-body] p")
    select_word(page, WORD)
    button = page.locator("button.error-report-touch")
    button.wait_for(state="visible")
    assert button.inner_text() == "Report an error"
    button_box, word = button.bounding_box(), word_box(page, WORD)
    assert button_box["y"] > word["y"]  # below the selection, clear of the phone's own menu
    assert button_box["x"] >= 0 and button_box["x"] + button_box["width"] <= 390

    button.tap()
    dialog = page.locator("dialog.error-report")
    dialog.wait_for(state="visible")
    assert dialog.locator(".error-report__context mark").inner_text() == WORD
    dialog.locator("#error-report-comment").fill("Typo from my phone")
    dialog.locator("button.error-report__send").tap()
    dialog.locator(".error-report__status").filter(has_text="Thank you!").wait_for()
    assert ErrorReport.objects.get().comment == "Typo from my phone"

    html = find_in_inbox(browser, live_server, WORD)
    assert "<mark>metres</mark>" in html


def test_escape_closes_the_dialog_and_focus_returns(
    live_server: Any, page_in_browser: Any, article: ArticlePage
) -> None:
    page = page_in_browser
    page.goto(live_server.url + article.url)
    page.focus("[data-error-report] a")
    select_word(page, WORD)
    page.keyboard.press("Control+Enter")
    dialog = page.locator("dialog.error-report")
    dialog.wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "error-report-comment"
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    # The dialog's "close" event, where the selection is put back, is a task queued after the
    # dialog hides: wait for it (a regression times out here).
    page.wait_for_function("(word) => window.getSelection().toString() === word", arg=WORD, timeout=5000)
    assert page.evaluate("document.activeElement.closest('[data-error-report]') !== null")
    assert page.evaluate("document.activeElement.tagName") == "A"
    assert not ErrorReport.objects.exists()


def test_only_article_text_and_at_most_300_characters(
    live_server: Any, page_in_browser: Any, sections: dict
) -> None:
    article = article_publish(
        section=sections[("en", "world")], title="Long read", paragraphs=[" ".join(PARAGRAPHS * 2)]
    )
    page = page_in_browser
    page.goto(live_server.url + article.url)
    page.evaluate(
        """() => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector('h1'));
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(300)
    assert page.locator("dialog.error-report[open]").count() == 0

    page.evaluate(
        """() => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector('[data-article-body]'));
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    page.keyboard.press("Control+Enter")
    toast = page.locator(".error-report-toast")
    toast.wait_for(state="visible")
    assert toast.inner_text() == "The selection is too long: select at most 300 characters."
    assert page.locator("dialog.error-report[open]").count() == 0


def test_the_dialog_speaks_the_editions_language_and_shows_the_servers_message(
    live_server: Any, page_in_browser: Any, sections: dict
) -> None:
    article = article_publish(
        section=sections[("ru", "society")],
        title="Вода отступает",
        slug="voda-otstupaet",
        paragraphs=["Уровень воды поднялся на два метра за ночь."],
    )
    page = page_in_browser
    page.goto(live_server.url + article.url)
    select_word(page, "метра")
    page.keyboard.press("Control+Enter")
    dialog = page.locator("dialog.error-report")
    dialog.wait_for(state="visible")
    assert page.locator("#error-report-title").inner_text() == "Сообщить об ошибке"
    assert dialog.locator("button.error-report__send").inner_text() == "Отправить"
    # The article is taken down while the reader has it open: the server says why.
    article.unpublish()
    dialog.locator("button.error-report__send").click()
    dialog.locator(".error-report__status").filter(
        has_text="Такой статьи нет или она снята с публикации."
    ).wait_for()
    assert not ErrorReport.objects.exists()
