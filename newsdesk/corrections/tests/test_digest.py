"""E-mail digests of new reports to each edition's editors: batched, never lost or doubled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import override_settings

from newsdesk.core.editors import edition_editors
from newsdesk.core.management.commands.core_scheduler import load_job
from newsdesk.corrections import jobs
from newsdesk.corrections.digests import error_report_digests_send
from newsdesk.corrections.models import ErrorReport, ErrorReportDigest
from newsdesk.corrections.services import (
    error_report_input_clean,
    error_report_submit,
    error_reports_mark,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
# A real SMTP backend pointed at a port where nothing listens: the mail server is down.
SMTP_DOWN = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 1,
    "EMAIL_TIMEOUT": 1,
}


def report(article, n: int, **fields: str) -> ErrorReport:
    data = {"article": article.pk, "selected_text": f"word{n}", "comment": f"comment {n}", **fields}
    return error_report_submit(
        article=article, data=error_report_input_clean(data=data), reporter_hash=f"reader{n}"
    ).report


@pytest.fixture
def newsroom(editor_en, editor_ru, chief_editor, reporter, django_user_model):
    django_user_model.objects.create_user(username="no_mail", email="", password="x").groups.set(
        editor_en.groups.all()
    )
    gone = django_user_model.objects.create_user(username="gone", email="gone@newsroom.test", is_active=False)
    gone.groups.set(editor_en.groups.all())
    return {"en": editor_en, "ru": editor_ru, "chief": chief_editor, "reporter": reporter}


class TestRecipients:
    def test_editors_of_the_edition_with_an_address(self, newsroom, article) -> None:
        emails = {user.email for user in edition_editors(locale=article.locale)}
        assert emails == {"editor_en@newsroom.test", "chief@newsroom.test"}

    def test_without_editors_the_administrators_hear(self, article, admin_user_with_email) -> None:
        assert [user.email for user in edition_editors(locale=article.locale)] == ["boss@newsroom.test"]


class TestBatching:
    def test_a_hundred_reports_one_email(self, newsroom, article) -> None:
        with time_machine.travel(T0, tick=False):
            for n in range(100):
                report(article, n)
            tally = error_report_digests_send()
        assert (tally.claimed, tally.sent, tally.reports, tally.failed) == (1, 1, 100, 0)
        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        assert sorted(email.to) == ["chief@newsroom.test", "editor_en@newsroom.test"]
        assert email.subject == "[Newsdesk] 100 new error reports"
        assert "Readers reported 100 new errors in Newsdesk." in email.body
        assert "«word0»" in email.body and "«word49»" in email.body and "«word50»" not in email.body
        assert "…and 50 more." in email.body
        first = ErrorReport.objects.get(selected_text="word0")
        assert f"http://127.0.0.1:8000/admin/error-reports/{first.pk}/" in email.body
        assert f"/admin/error-reports/?locale={article.locale_id}" in email.body
        assert getattr(email, "alternatives", []) == []  # plain text: reader text is never HTML here
        assert ErrorReport.objects.filter(digest__isnull=True).count() == 0

    def test_at_most_one_digest_per_edition_per_interval(self, newsroom, article) -> None:
        with time_machine.travel(T0, tick=False) as traveller:
            report(article, 1)
            error_report_digests_send()
            assert len(mail.outbox) == 1
            error_report_digests_send()
            assert len(mail.outbox) == 1  # nothing new
            traveller.shift(timedelta(minutes=5))
            report(article, 2)
            report(article, 3)
            error_report_digests_send()
            traveller.shift(timedelta(minutes=9, seconds=59))
            error_report_digests_send()
            assert len(mail.outbox) == 1  # still inside the 15 minutes
            traveller.shift(timedelta(seconds=2))
            error_report_digests_send()
        assert len(mail.outbox) == 2
        assert "«word2»" in mail.outbox[1].body and "«word3»" in mail.outbox[1].body
        assert "«word1»" not in mail.outbox[1].body

    def test_each_edition_its_own_editors_and_language(self, newsroom, article, ru_article) -> None:
        with time_machine.travel(T0, tick=False):
            report(article, 1)
            report(ru_article, 2)
            error_report_digests_send()
        assert len(mail.outbox) == 2
        by_recipient = {tuple(sorted(email.to)): email for email in mail.outbox}
        en = by_recipient[("chief@newsroom.test", "editor_en@newsroom.test")]
        ru = by_recipient[("chief@newsroom.test", "editor_ru@newsroom.test")]
        assert "«word1»" in en.body and "«word2»" not in en.body
        assert "«word2»" in ru.body
        assert ru.subject == "[Newsdesk] 1 новое сообщение об ошибке"

    def test_reports_handled_before_the_digest_are_not_listed(self, newsroom, article) -> None:
        with time_machine.travel(T0, tick=False):
            report(article, 1)
            handled = report(article, 2)
            error_reports_mark(
                reports=ErrorReport.objects.filter(pk=handled.pk), status="rejected", user=newsroom["en"]
            )
            error_report_digests_send()
        assert "«word1»" in mail.outbox[0].body and "«word2»" not in mail.outbox[0].body

    def test_a_merged_report_is_not_notified_again(self, newsroom, article) -> None:
        with time_machine.travel(T0, tick=False) as traveller:
            report(article, 1)
            error_report_digests_send()
            traveller.shift(timedelta(minutes=30))
            error_report_submit(
                article=article,
                data=error_report_input_clean(data={"article": article.pk, "selected_text": "word1"}),
                reporter_hash="another reader",
            )
            error_report_digests_send()
        assert len(mail.outbox) == 1
        assert ErrorReport.objects.get().report_count == 2


class TestFailures:
    def test_mail_server_down_then_back_sends_the_same_digest_once(self, newsroom, article) -> None:
        with time_machine.travel(T0, tick=False) as traveller:
            for n in range(3):
                report(article, n)
            with override_settings(**SMTP_DOWN):
                tally = error_report_digests_send()
            assert (tally.claimed, tally.sent, tally.failed) == (1, 0, 1)
            digest = ErrorReportDigest.objects.get()
            assert digest.sent_at is None and digest.attempts == 1
            assert digest.reports.count() == 3

            # A report arriving meanwhile waits for a later digest, not the pending one.
            traveller.shift(timedelta(minutes=1))
            report(article, 3)
            error_report_digests_send()  # the lease is still held: no second attempt yet
            assert len(mail.outbox) == 0

            traveller.shift(timedelta(minutes=5))
            tally = error_report_digests_send()
            assert (tally.sent, tally.reports) == (1, 3)
            assert len(mail.outbox) == 1
            assert all(f"«word{n}»" in mail.outbox[0].body for n in range(3))
            assert "«word3»" not in mail.outbox[0].body

            traveller.shift(timedelta(minutes=15))
            error_report_digests_send()
            error_report_digests_send()
        assert len(mail.outbox) == 2
        assert "«word3»" in mail.outbox[1].body and "«word0»" not in mail.outbox[1].body
        assert ErrorReportDigest.objects.filter(sent_at__isnull=True).count() == 0

    def test_no_editor_anywhere_records_the_digest_without_mail(self, article) -> None:
        with time_machine.travel(T0, tick=False):
            report(article, 1)
            error_report_digests_send()
            error_report_digests_send()
        assert len(mail.outbox) == 0
        digest = ErrorReportDigest.objects.get()
        assert digest.sent_at is not None and digest.recipients == ""


def test_runs_as_a_periodic_job(newsroom, article) -> None:
    path = "newsdesk.corrections.jobs.error_report_digests_send"
    assert path in settings.PERIODIC_JOBS
    assert load_job(path) is jobs.error_report_digests_send
    report(article, 1)
    assert jobs.error_report_digests_send() == "digests claimed 1, sent 1 (1 reports), failed 0"
    assert len(mail.outbox) == 1
