"""The strict Content-Security-Policy in Chromium (issue 12, security): the reader's pages (home,
article, search, the error-report dialog) raise no violation, the view beacon and the error
report still work, and a signed-in editor's userbar works under the same strict policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from newsdesk.analytics.tests.conftest import CHROME, analytics_isolation  # noqa: F401 (autouse fixture)
from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.corrections.models import ErrorReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORD = "metres"
PASSWORD = "a-long-password-1"
# Collects every violation the page reports, from before its first script runs.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture(autouse=True)
def words_only(settings) -> None:
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"


@pytest.fixture
def article(sections: dict) -> ArticlePage:
    return article_publish(
        section=sections[("en", "society")],
        title="Flood waters recede",
        paragraphs=["The river rose by two metres overnight. Rescuers evacuated 300 residents."],
    )


class Watched:
    """A browser page with every CSP violation, console error and script error recorded."""

    def __init__(self, context: Any) -> None:
        self.context = context
        context.add_init_script(WATCH_VIOLATIONS)
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message: Any) -> None:
        if message.location.get("url", "").endswith("/favicon.ico"):
            return  # the browser's own request, not the page's
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text} ({message.location.get('url')})")

    def goto(self, url: str) -> Any:
        response = self.page.goto(url)
        assert response.status == 200, url
        return response

    def violations(self) -> list[str]:
        return [*self.page.evaluate("window.__cspViolations"), *self.problems]


@pytest.fixture
def reader(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(locale="en-US", user_agent=CHROME)
    yield Watched(context)
    context.close()


def strict_policy(response: Any) -> str:
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy + ";" and "unsafe-inline" not in policy
    return policy


def test_the_readers_pages_raise_no_violation(
    live_server: Any, reader: Watched, article: ArticlePage
) -> None:
    page = reader.page
    strict_policy(reader.goto(live_server.url + "/en/"))
    assert page.locator(".site-header").is_visible()

    with page.expect_response(lambda r: r.url.endswith("/api/analytics/views/")) as beacon:
        strict_policy(reader.goto(live_server.url + article.url))
    assert beacon.value.status == 200 and beacon.value.json()["counted"] is True
    page.locator("[data-view-count]").filter(has_text="1").wait_for()

    strict_policy(reader.goto(live_server.url + "/en/search/?q=flood"))
    assert "flood waters recede" in page.locator("main").inner_text().lower()

    assert reader.violations() == []


def test_the_error_report_dialog_works_with_no_violation(
    live_server: Any, reader: Watched, article: ArticlePage
) -> None:
    page = reader.page
    strict_policy(reader.goto(live_server.url + article.url))
    page.evaluate(
        """(word) => {
            const text = document.querySelector('[data-article-body] p').firstChild;
            const start = text.data.indexOf(word);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + word.length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }""",
        WORD,
    )
    page.keyboard.press("Control+Enter")
    dialog = page.locator("dialog.error-report")
    dialog.wait_for(state="visible")
    dialog.locator("#error-report-comment").fill("Our style is meters.")
    dialog.locator("button.error-report__send").click()
    dialog.locator(".error-report__status").filter(has_text="Thank you!").wait_for()

    assert ErrorReport.objects.get().selected_text == WORD
    assert reader.violations() == []


def test_a_violation_would_be_seen(live_server: Any, reader: Watched, article: ArticlePage) -> None:
    """The watch itself works: an inline script on the article page is refused and reported."""
    reader.goto(live_server.url + article.url)
    reader.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.append(s); }"
    )
    assert reader.page.evaluate("window.ran") is None
    reader.page.wait_for_function("window.__cspViolations.length > 0")
    assert any(v.startswith("script-src") for v in reader.violations())


def test_a_signed_in_editors_userbar_works(
    live_server: Any, browser: Any, article: ArticlePage, django_user_model: Any
) -> None:
    django_user_model.objects.create_superuser("chief", "chief@newsroom.test", PASSWORD)
    context = browser.new_context(locale="en-US")
    editor = Watched(context)
    page = editor.page
    # Through the login form: django-axes watches it and lets the right password through.
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "chief")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))

    strict_policy(editor.goto(live_server.url + article.url))
    trigger = page.locator("wagtail-userbar").locator("[data-wagtail-userbar-trigger]")
    trigger.click()
    edit = page.locator("wagtail-userbar").get_by_role("menuitem", name=re.compile("Edit"))
    edit.wait_for(state="visible")
    assert f"/admin/pages/{article.pk}/edit/" in edit.get_attribute("href")
    assert editor.violations() == []
    context.close()
