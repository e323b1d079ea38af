"""One inbox for both scripts (issue 13): a report sent from the Kazakh Latin page shows the
Latin excerpt the reader saw and the Cyrillic paragraph it was made from."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.corrections.models import ErrorReport
from newsdesk.corrections.selectors import error_report_excerpt

from .conftest import Reader, payload

pytestmark = pytest.mark.django_db

PARAGRAPH = "Өзен суы түнде екі метрге көтерілді. Құтқарушылар 300 тұрғынды көшірді."
LATIN = "Özen suy tünde ekı metrge köterıldı. Qūtqaruşylar 300 tūrğyndy köşırdı."


@pytest.fixture
def kk_article(sections: dict) -> ArticlePage:
    return article_publish(
        section=sections[("kk", "society")],
        title="Су тасқыны",
        slug="su-tasqyny",
        paragraphs=["Бірінші абзац.", PARAGRAPH],
    )


def latin_report(client: Client, article: ArticlePage, **fields: Any) -> ErrorReport:
    data = payload(
        article,
        selected_text="metrge",
        context_before="Özen suy tünde ekı ",
        context_after=" köterıldı. Qūtqaruşylar",
        url="http://testserver" + article.url.replace("/kk/", "/kk-latn/", 1),
        **fields,
    )
    response = Reader(client, language="kk").post(data, referer=data["url"])
    assert response.status_code == 202, response.content
    assert response.json()["message"] == "Raqmet! Redaktsiia tekseredı."  # the Latin page's words
    return ErrorReport.objects.get(article=article)


def test_a_latin_report_shows_the_latin_excerpt_and_the_cyrillic_paragraph(
    kk_article, client: Client
) -> None:
    report = latin_report(client, kk_article)
    excerpt = error_report_excerpt(report=report)
    assert excerpt.from_article
    assert (excerpt.before, excerpt.selected, excerpt.after) == ("Özen suy tünde ekı ", "metrge", LATIN[25:])
    assert excerpt.original == PARAGRAPH
    assert excerpt.trimmed(40).original == PARAGRAPH


def test_a_cyrillic_report_of_the_same_article_has_no_twin(kk_article, client: Client) -> None:
    data = payload(
        kk_article, selected_text="метрге", context_before="Өзен суы түнде екі ", context_after=" көтерілді."
    )
    data["url"] = "http://testserver" + kk_article.url
    response = Reader(client, language="kk").post(data, referer=data["url"])
    assert response.status_code == 202 and response.json()["message"] == "Рақмет! Редакция тексереді."
    excerpt = error_report_excerpt(report=ErrorReport.objects.get())
    assert excerpt.from_article and excerpt.selected == "метрге" and excerpt.original == ""


def test_the_inbox_shows_both(kk_article, client: Client, admin_user: Any) -> None:
    report = latin_report(client, kk_article)
    admin = Client()
    admin.force_login(admin_user)
    detail = BeautifulSoup(admin.get(f"/admin/error-reports/{report.pk}/").content.decode(), "html.parser")
    assert detail.select_one("[data-error-report-paragraph] mark").get_text() == "metrge"
    assert detail.select_one("[data-error-report-original]").get_text() == PARAGRAPH
    listing = BeautifulSoup(admin.get("/admin/error-reports/").content.decode(), "html.parser")
    assert PARAGRAPH in listing.select_one("[data-error-report-original]").get_text()
