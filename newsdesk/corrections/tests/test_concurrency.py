"""Identical reports arriving at the same moment still end up as one row."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from newsdesk.articles.tests.factories import article_publish
from newsdesk.corrections.models import ErrorReport, ErrorReportReader
from newsdesk.corrections.services import error_report_input_clean, error_report_submit

from .conftest import PARAGRAPHS

READERS = 8


@pytest.mark.django_db(transaction=True)
def test_simultaneous_identical_reports_merge(sections) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database serialises threads; the PostgreSQL run races them")
    article = article_publish(section=sections[("en", "society")], title="Race", paragraphs=PARAGRAPHS)
    data = error_report_input_clean(
        data={
            "article": article.pk,
            "selected_text": "metres",
            "context_before": "two ",
            "context_after": " over",
        }
    )
    barrier = threading.Barrier(READERS)
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            barrier.wait()
            error_report_submit(article=article, data=data, reporter_hash=f"reader-{n}")
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    report = ErrorReport.objects.get()
    assert report.report_count == READERS
    assert ErrorReportReader.objects.filter(report=report).count() == READERS
