"""What the corrections app puts on the (cached) article page: the hint, the notes, JSON-LD."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from newsdesk.articles.models import ArticlePage
from newsdesk.core.pagecache.testing import PageCacheClient
from newsdesk.corrections.models import CorrectionNote
from newsdesk.corrections.services import correction_note_create, correction_note_unpublish

pytestmark = pytest.mark.django_db


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


class TestHint:
    def test_hint_carries_what_the_script_needs_and_nothing_per_reader(self, article, client: Client) -> None:
        response = client.get(article.url)
        html = response.content.decode()
        soup = soup_of(response)
        hint = soup.select_one("[data-error-report]")
        assert hint["data-endpoint"] == "/api/corrections/reports/?lang=en"
        assert hint["data-article"] == str(article.pk)
        assert hint.select_one("a")["href"] == f"/en/report-error/?article={article.pk}"
        assert soup.select_one('script[type="module"]')["src"].endswith("corrections/error-report.js")
        assert soup.select_one('link[href$="corrections/error-report.css"]') is not None
        strings = json.loads(soup.select_one("#error-report-strings").get_text())
        assert strings["title"] == "Report an error" and strings["send"] == "Send"
        # Cached whole for every reader: no CSRF token, no cookie (PITFALLS 2 and 10).
        assert "csrfmiddlewaretoken" not in html
        assert not response.cookies

    def test_the_script_speaks_the_editions_language(self, ru_article, client: Client) -> None:
        soup = soup_of(client.get(ru_article.url))
        strings = json.loads(soup.select_one("#error-report-strings").get_text())
        assert strings["send"] == "Отправить"
        assert strings["title"] == "Сообщить об ошибке"
        assert (
            soup.select_one("[data-error-report] a")["href"] == f"/ru/report-error/?article={ru_article.pk}"
        )

    def test_the_article_page_is_still_served_from_the_cache(self, article, client: Client) -> None:
        client = PageCacheClient()  # read through the page cache, as gunicorn's requests are
        first = client.get(article.url)
        ArticlePage.objects.filter(pk=article.pk).update(title="Changed behind the cache")
        second = client.get(article.url)
        assert second["X-Cache"] == "hit"  # the page cache answered
        assert second.content == first.content
        assert "Flood waters recede" in second.content.decode()


NOTE_TIME = datetime(2026, 11, 29, 20, 30, tzinfo=UTC)  # 30.11.2026, 01:30 in Almaty


class TestCorrectionNotes:
    def test_note_under_the_body_with_the_almaty_date(self, article, client: Client, chief_editor) -> None:
        with time_machine.travel(NOTE_TIME, tick=False):
            correction_note_create(
                article=article, text="An earlier version misspelt Akmeshit.", user=chief_editor
            )
        soup = soup_of(client.get(article.url))
        note = soup.select_one(".correction-note")
        assert (
            " ".join(note.get_text().split())
            == "Corrected on 30.11.2026: An earlier version misspelt Akmeshit."
        )
        assert note.time["datetime"] == "2026-11-30T01:30:00+05:00"
        html = str(soup)
        assert html.index("Akmeshit.</p>") < html.index("correction-note") < html.index("article__copyright")

    def test_json_ld_names_the_correction(self, article, client: Client, chief_editor) -> None:
        with time_machine.travel(NOTE_TIME, tick=False):
            correction_note_create(article=article, text="Fixed the figure.", user=chief_editor)
        soup = soup_of(client.get(article.url))
        blocks = [json.loads(s.get_text()) for s in soup.select('script[type="application/ld+json"]')]
        data = next(block for block in blocks if block.get("correction"))
        assert data["@type"] == "NewsArticle"
        assert data["url"] == article.get_full_url()
        article_node = next(
            block for block in blocks if block.get("@type") == "NewsArticle" and "correction" not in block
        )
        assert data["@id"] == article_node["@id"] == f"{article.get_full_url()}#article"
        assert data["headline"] == "Flood waters recede"
        assert data["correction"] == [
            {
                "@type": "CorrectionComment",
                "text": "Fixed the figure.",
                "datePublished": "2026-11-30T01:30:00+05:00",
            }
        ]

    def test_note_text_cannot_break_out_of_markup(self, article, client: Client, chief_editor) -> None:
        text = '</script><script>alert(1)</script><img src=x onerror="alert(2)">'
        correction_note_create(article=article, text=text, user=chief_editor)
        soup = soup_of(client.get(article.url))
        assert soup.select("img[onerror]") == []
        scripts = soup.find_all("script")
        assert all(
            "alert(" not in (s.string or "") or s.get("type") == "application/ld+json" for s in scripts
        )
        # The page also carries the syndication app's NewsArticle (issue 10): read the notes' block.
        blocks = [json.loads(s.get_text()) for s in soup.select('script[type="application/ld+json"]')]
        data = next(block for block in blocks if block.get("correction"))
        assert data["correction"][0]["text"] == text
        assert soup.select_one(".correction-note").get_text().endswith(text)

    def test_no_notes_no_markup(self, article, client: Client) -> None:
        soup = soup_of(client.get(article.url))
        assert soup.select(".correction-notes") == []
        assert not [
            s for s in soup.select('script[type="application/ld+json"]') if "correction" in s.get_text()
        ]

    def test_a_new_note_purges_the_cached_page(
        self, article, client: Client, chief_editor, django_capture_on_commit_callbacks
    ) -> None:
        client = PageCacheClient()  # read through the page cache, as gunicorn's requests are
        assert "Corrected on" not in client.get(article.url).content.decode()
        assert client.get(article.url)["X-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            note = correction_note_create(article=article, text="Corrected the date.", user=chief_editor)
        assert "Corrected the date." in client.get(article.url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            correction_note_unpublish(note=note)
        assert "Corrected the date." not in client.get(article.url).content.decode()
        assert CorrectionNote.objects.get().published is False
