"""/<lang>/report-error/?article=<id>: the plain form for readers without scripts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from newsdesk.corrections import services, views
from newsdesk.corrections.models import ErrorReport

from .conftest import message

pytestmark = pytest.mark.django_db


def form_url(article, language: str = "en") -> str:
    return f"/{language}/report-error/?article={article.pk}"


def errors_of(response) -> list[str]:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [li.get_text() for li in soup.select(".errorlist li")]


class TestForm:
    def test_get_shows_a_form_with_a_token_and_is_never_cached(self, article, client: Client) -> None:
        response = client.get(form_url(article))
        assert response.status_code == 200
        html = response.content.decode()
        assert "csrfmiddlewaretoken" in html
        assert "Flood waters recede" in html
        assert '<meta name="robots" content="noindex">' in html
        for directive in ("no-cache", "no-store", "private", "max-age=0"):
            assert directive in response["Cache-Control"]
        assert "Age" not in client.get(form_url(article))

    def test_text_can_be_prefilled(self, article, client: Client) -> None:
        soup = BeautifulSoup(client.get(form_url(article) + "&text=metres").content.decode(), "html.parser")
        assert soup.select_one("textarea[name=selected_text]").get_text().strip() == "metres"

    def test_post_stores_the_report_and_thanks_the_reader(self, article, client: Client) -> None:
        response = client.post(
            form_url(article),
            {"selected_text": " metres ", "comment": "Style: meters", "suggestion": "meters", "website": ""},
        )
        assert response.status_code == 302
        assert response["Location"] == form_url(article) + "&sent=1"
        report = ErrorReport.objects.get()
        assert (report.selected_text, report.comment, report.suggestion) == (
            "metres",
            "Style: meters",
            "meters",
        )
        assert (report.context_before, report.context_after) == ("", "")
        assert report.revision_id == article.live_revision_id
        thanks = client.get(response["Location"]).content.decode()
        assert message(views.REPORT_RECEIVED) in thanks

    def test_thanks_in_the_editions_language(self, ru_article, client: Client) -> None:
        response = client.post(form_url(ru_article, "ru"), {"selected_text": "метра"}, follow=True)
        assert message(views.REPORT_RECEIVED, "ru") in response.content.decode()

    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            ({"selected_text": ""}, services.SELECTION_EMPTY),
            ({"selected_text": "a" * 301}, services.SELECTION_TOO_LONG),
            ({"selected_text": "ok", "comment": "c" * 1001}, services.COMMENT_TOO_LONG),
            ({"selected_text": "ok", "suggestion": "s" * 301}, services.SUGGESTION_TOO_LONG),
        ],
    )
    def test_the_same_limits_and_messages_as_the_endpoint(
        self, article, client: Client, data: dict, expected: object
    ) -> None:
        response = client.post(form_url(article), data)
        assert response.status_code == 400
        assert errors_of(response) == [message(expected)]
        assert not ErrorReport.objects.exists()

    def test_honeypot(self, article, client: Client) -> None:
        response = client.post(form_url(article), {"selected_text": "spam", "website": "http://spam.example"})
        assert response.status_code == 302 and response["Location"].endswith("&sent=1")
        assert not ErrorReport.objects.exists()

    def test_rate_limit(self, article, client: Client) -> None:
        with time_machine.travel(datetime(2026, 11, 29, 6, 0, 30, tzinfo=UTC), tick=False):
            for n in range(5):
                assert client.post(form_url(article), {"selected_text": f"w{n}"}).status_code == 302
            response = client.post(form_url(article), {"selected_text": "w5"})
        assert response.status_code == 429
        assert response["Retry-After"] == "30"
        assert message(views.RATE_LIMITED) in response.content.decode()
        assert ErrorReport.objects.count() == 5

    def test_post_without_csrf_token_is_refused(self, article) -> None:
        response = Client(enforce_csrf_checks=True).post(form_url(article), {"selected_text": "metres"})
        assert response.status_code == 403
        assert not ErrorReport.objects.exists()


class TestWhichArticle:
    @pytest.mark.parametrize("query", ["", "?article=", "?article=abc", "?article=999999", "?article=-1"])
    def test_unknown_or_invalid_article_is_404(self, article, client: Client, query: str) -> None:
        assert client.get("/en/report-error/" + query).status_code == 404

    def test_unpublished_article_is_404(self, article, client: Client) -> None:
        article.unpublish()
        assert client.get(form_url(article)).status_code == 404
        assert client.post(form_url(article), {"selected_text": "x"}).status_code == 404

    def test_another_editions_prefix_redirects_to_the_articles_edition(
        self, ru_article, client: Client
    ) -> None:
        response = client.get(form_url(ru_article, "en"))
        assert response.status_code == 302
        assert response["Location"] == form_url(ru_article, "ru")
