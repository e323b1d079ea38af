"""A reader's journey in a real browser: home page → seed article → Russian edition."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_to_seed_article_then_switch_to_russian(seed_article, live_server, page_in_browser) -> None:
    page = page_in_browser
    page.goto(f"{live_server.url}/en/")
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("link", name="Kazakh and Russian Presidents held a meeting").first.click()
    page.wait_for_url("**/en/politics/kazakh-and-russian-presidents-held-a-meeting/")
    assert page.locator("h1").inner_text() == "Kazakh and Russian Presidents held a meeting"
    meta = page.locator(".article__meta").inner_text()
    assert "22.08.2021, 08:42" in meta
    assert "14557" in meta
    assert page.locator(".article__source").inner_text() == "Source: Kazinform"

    page.locator(".edition-switcher").get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/politics/**")
    assert page.locator("html").get_attribute("lang") == "ru"
    ru_title = page.locator("h1").inner_text()
    assert ru_title == seed_article.get_translation(_ru()).title
    assert "Источник: Kazinform" in page.locator(".article__source").inner_text()
    assert "22.08.2021, 08:42" in page.locator(".article__meta").inner_text()


def test_keyboard_reader_can_skip_to_content(homes, live_server, page_in_browser) -> None:
    page = page_in_browser
    page.goto(f"{live_server.url}/ru/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Перейти к содержанию"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def _ru():
    from wagtail.models import Locale

    return Locale.objects.get(language_code="ru")
