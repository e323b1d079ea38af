"""Copying more than SYNDICATION_COPY_ATTRIBUTION_CHARS of an article body adds the source line
in both clipboard flavours, in the edition's language (issue 10, "Copy attribution")."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from newsdesk.syndication.templatetags.copy_attribution_tags import SOURCE_LABELS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_PATH = "/en/politics/kazakh-and-russian-presidents-held-a-meeting/"

# Runs after the page's own listener (window is reached after document): what the copy
# event will put on the clipboard, and whether the page replaced the browser's default.
RECORD_COPY = """() => {
  window.__copied = null;
  window.addEventListener("copy", (event) => {
    window.__copied = {
      plain: event.clipboardData.getData("text/plain"),
      html: event.clipboardData.getData("text/html"),
      replaced: event.defaultPrevented,
    };
  });
}"""

SELECT = """(chars) => {
  const body = document.querySelector("[data-article-body]");
  const range = document.createRange();
  if (chars === null) {
    range.selectNodeContents(body);
  } else {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    let node = walker.nextNode();
    while (node && node.textContent.trim().length < chars) node = walker.nextNode();
    range.setStart(node, 0);
    range.setEnd(node, chars);
  }
  const selection = document.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return selection.toString();
}"""


@pytest.fixture
def clipboard_page(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(locale="en-US", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    yield page
    context.close()


def copy(page: Any, chars: int | None) -> tuple[str, dict]:
    page.evaluate(RECORD_COPY)
    selected = page.evaluate(SELECT, chars)
    page.keyboard.press("Control+C")
    page.wait_for_function("() => window.__copied !== null")
    return selected, page.evaluate("() => window.__copied")


def test_a_long_copy_ends_with_the_source_in_both_flavours(live_server, seed_article, clipboard_page) -> None:
    page = clipboard_page
    page.goto(live_server.url + SEED_PATH)
    selected, copied = copy(page, None)
    assert len(selected) > settings.SYNDICATION_COPY_ATTRIBUTION_CHARS

    edition = seed_article.locale.edition.name
    url = seed_article.full_url
    line = f"{SOURCE_LABELS['en']}: {edition} — {url}"
    assert copied["replaced"] is True
    assert copied["plain"] == f"{selected}\n\n{line}"
    assert copied["html"].endswith(f'<p>{SOURCE_LABELS["en"]}: {edition} — <a href="{url}">{url}</a></p>')
    assert "<p>" in copied["html"] and selected.split("\n")[0][:40] in copied["html"]
    assert page.evaluate("() => navigator.clipboard.readText()") == copied["plain"]


def test_a_russian_article_says_istochnik(live_server, seed_article, clipboard_page) -> None:
    from newsdesk.articles.models import ArticlePage

    russian = ArticlePage.objects.get(
        translation_key=seed_article.translation_key, locale__language_code="ru"
    )
    page = clipboard_page
    page.goto(live_server.url + russian.url)
    _selected, copied = copy(page, None)
    assert copied["plain"].endswith(f"\n\nИсточник: {russian.locale.edition.name} — {russian.full_url}")
    assert SOURCE_LABELS["ru"] == "Источник" and SOURCE_LABELS["kk"] == "Дереккөз"


def test_a_short_copy_is_left_alone(live_server, seed_article, clipboard_page) -> None:
    page = clipboard_page
    page.goto(live_server.url + SEED_PATH)
    selected, copied = copy(page, 40)
    assert len(selected) == 40
    assert copied["replaced"] is False
    assert page.evaluate("() => navigator.clipboard.readText()") == selected
