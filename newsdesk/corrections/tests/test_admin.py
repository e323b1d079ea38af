"""The editors' inbox: who may see and act (PITFALLS 9), escaping, highlighting, actions."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext_lazy

from newsdesk.corrections import services
from newsdesk.corrections.models import CorrectionNote, ErrorReport
from newsdesk.corrections.services import (
    correction_note_create,
    error_report_input_clean,
    error_report_submit,
    error_reports_mark,
)

from .conftest import message

pytestmark = pytest.mark.django_db

INDEX = "/admin/error-reports/"
RESULTS = "/admin/error-reports/results/"
BULK = "/admin/error-reports/bulk/"


def submit(article, reader: str = "r1", **fields: str) -> ErrorReport:
    data = {
        "article": article.pk,
        "selected_text": "metres",
        "context_before": "The river rose by two ",
        "context_after": " overnight.",
        "comment": "Style",
        **fields,
    }
    return error_report_submit(
        article=article, data=error_report_input_clean(data=data), reporter_hash=reader
    ).report


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


DENIED = gettext_lazy("Sorry, you do not have permission to access this area.")


def assert_refused(response) -> None:
    """Wagtail's answer to PermissionDenied in the admin: back to the dashboard, with a message
    (a plain 403 for XMLHttpRequest)."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == "/admin/"
    # Said in the site's default language: Wagtail adds it outside the user's language.
    assert [str(m).strip() for m in get_messages(response.wsgi_request)][-1] == message(DENIED, "ru")


def detail_url(report: ErrorReport) -> str:
    return f"/admin/error-reports/{report.pk}/"


@pytest.fixture
def en_report(article) -> ErrorReport:
    return submit(article)


@pytest.fixture
def ru_report(ru_article) -> ErrorReport:
    return submit(
        ru_article, selected_text="метра", context_before="поднялся на два ", context_after=" за ночь"
    )


class TestWhoMaySee:
    def test_anonymous_goes_to_the_login(self, en_report, client: Client) -> None:
        for url in (INDEX, RESULTS, detail_url(en_report)):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert client.post(BULK, {"action": "fixed", "report": en_report.pk}).status_code == 302
        en_report.refresh_from_db()
        assert en_report.status == "new"

    def test_a_reporter_is_refused_everywhere(self, en_report, reporter) -> None:
        client = logged_in(reporter)
        assert client.get("/admin/").status_code == 200  # a newsroom member...
        for url in (INDEX, RESULTS, detail_url(en_report)):
            assert_refused(client.get(url))
            assert client.get(url, headers={"X-Requested-With": "XMLHttpRequest"}).status_code == 403
        assert_refused(client.post(BULK, {"action": "fixed", "report": en_report.pk}))
        assert_refused(client.post(detail_url(en_report), {"action": "fixed"}))
        note = correction_note_create(article=en_report.article, text="Note", user=None)
        assert_refused(client.post(reverse("corrections_admin:note_hide", args=[note.pk])))
        en_report.refresh_from_db()
        assert en_report.status == "new"
        assert CorrectionNote.objects.get().published

    def test_the_menu_shows_only_to_editors_with_their_count(
        self, en_report, ru_report, reporter, editor_en, chief_editor
    ) -> None:
        assert "Error reports" not in logged_in(reporter).get("/admin/").content.decode()
        assert "Error reports (1)" in logged_in(editor_en).get("/admin/").content.decode()
        assert "Error reports (2)" in logged_in(chief_editor).get("/admin/").content.decode()

    def test_an_editor_of_another_edition_cannot_list_open_or_change(
        self, en_report, ru_report, editor_ru
    ) -> None:
        client = logged_in(editor_ru)
        listed = soup_of(client.get(INDEX + "?status="))
        assert [a.get_text() for a in listed.select("[data-error-report-excerpt] mark")] == ["метра"]
        # Asking for the English edition by its id shows none of its reports either.
        forged_filter = soup_of(client.get(INDEX + f"?status=&locale={en_report.locale_id}"))
        assert [a.get_text() for a in forged_filter.select("[data-error-report-excerpt] mark")] in (
            [],
            ["метра"],
        )
        assert client.get(detail_url(en_report)).status_code == 404
        # Forged POSTs: the bulk action, the detail's actions, hiding a note.
        assert client.post(BULK, {"action": "rejected", "report": [en_report.pk]}).status_code == 404
        assert (
            client.post(BULK, {"action": "rejected", "report": [en_report.pk, ru_report.pk]}).status_code
            == 404
        )
        assert (
            client.post(detail_url(en_report), {"action": "fixed_with_note", "note": "x"}).status_code == 404
        )
        note = correction_note_create(article=en_report.article, text="Note", user=None)
        assert client.post(reverse("corrections_admin:note_hide", args=[note.pk])).status_code == 404
        assert list(ErrorReport.objects.values_list("status", flat=True)) == ["new", "new"]
        assert CorrectionNote.objects.filter(published=True).count() == 1

    def test_editor_of_the_edition_sees_and_acts(self, en_report, ru_report, editor_en) -> None:
        client = logged_in(editor_en)
        listed = soup_of(client.get(INDEX))
        assert [a.get_text() for a in listed.select("[data-error-report-excerpt] mark")] == ["metres"]
        assert client.get(detail_url(en_report)).status_code == 200
        response = client.post(BULK, {"action": "fixed", "report": [en_report.pk], "next": INDEX})
        assert response.status_code == 302 and response["Location"] == INDEX
        en_report.refresh_from_db()
        assert (en_report.status, en_report.handled_by) == ("fixed", editor_en)
        assert en_report.handled_at is not None

    def test_chief_editor_and_superuser_see_every_edition(
        self, en_report, ru_report, chief_editor, admin_user
    ) -> None:
        for user in (chief_editor, admin_user):
            listed = soup_of(logged_in(user).get(INDEX))
            assert len(listed.select("[data-error-report-excerpt]")) == 2

    def test_admin_posts_need_the_csrf_token(self, en_report, editor_en) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor_en)
        assert client.post(BULK, {"action": "fixed", "report": [en_report.pk]}).status_code == 403
        assert client.post(detail_url(en_report), {"action": "fixed"}).status_code == 403
        en_report.refresh_from_db()
        assert en_report.status == "new"


XSS_SELECTION = "<script>alert(1)</script>"
XSS_COMMENT = "<img src=x onerror=alert(1)>"
XSS_SUGGESTION = '"><svg onload=alert(2)>'


def assert_no_reader_markup(soup: BeautifulSoup) -> None:
    assert [s for s in soup.find_all("script") if "alert(" in (s.string or "")] == []
    assert soup.select("img[onerror], svg[onload], [onerror], [onload]") == []
    assert soup.find("img", src="x") is None


class TestEscaping:
    """PITFALLS 9: reader text never renders as markup in the admin."""

    @pytest.fixture
    def hostile(self, article) -> ErrorReport:
        return submit(
            article,
            selected_text=XSS_SELECTION,
            context_before="<b>bold?</b> ",
            context_after=" <iframe src=//evil>",
            comment=XSS_COMMENT,
            suggestion=XSS_SUGGESTION,
        )

    def test_inbox(self, hostile, editor_en) -> None:
        soup = soup_of(logged_in(editor_en).get(INDEX))
        assert_no_reader_markup(soup)
        assert soup.find("iframe") is None and soup.find("b", string="bold?") is None
        assert soup.select_one("[data-error-report-excerpt] mark").get_text() == XSS_SELECTION
        assert soup.select_one("[data-error-report-comment]").get_text() == XSS_COMMENT
        assert soup.select_one("[data-error-report-suggestion]").get_text() == XSS_SUGGESTION

    def test_results_fragment(self, hostile, editor_en) -> None:
        soup = soup_of(logged_in(editor_en).get(RESULTS + "?status=new&_w_filter_fragment=1"))
        assert_no_reader_markup(soup)
        assert soup.select_one("[data-error-report-excerpt] mark").get_text() == XSS_SELECTION

    def test_detail(self, hostile, editor_en) -> None:
        soup = soup_of(logged_in(editor_en).get(detail_url(hostile)))
        assert_no_reader_markup(soup)
        assert soup.find("iframe") is None
        assert soup.select_one("[data-error-report-paragraph] mark").get_text() == XSS_SELECTION
        assert soup.select_one("[data-error-report-comment]").get_text() == XSS_COMMENT

    def test_article_text_with_markup_characters(self, sections, editor_en) -> None:
        from newsdesk.articles.tests.factories import article_publish

        article = article_publish(
            section=sections[("en", "world")],
            title="Tags & <things>",
            slug="tags-and-things",
            paragraphs=["Use &lt;b&gt; for bold &amp; more text here."],
        )
        report = submit(article, selected_text="<b>", context_before="Use ", context_after=" for bold")
        soup = soup_of(logged_in(editor_en).get(detail_url(report)))
        paragraph = soup.select_one("[data-error-report-paragraph]")
        assert paragraph.find("b") is None
        assert paragraph.get_text() == "Use <b> for bold & more text here."
        assert paragraph.mark.get_text() == "<b>"


class TestInbox:
    def test_the_paragraph_is_shown_with_the_selection_marked(self, en_report, editor_en) -> None:
        cell = soup_of(logged_in(editor_en).get(INDEX)).select_one("[data-error-report-excerpt]")
        assert cell.get_text() == (
            "The river rose by two metres overnight. Rescuers evacuated 300 residents from the village of Akmeshit."
        )
        assert str(cell.mark) == "<mark>metres</mark>"

    def test_the_readers_context_picks_the_right_occurrence(self, article, editor_en) -> None:
        report = submit(
            article, selected_text="the", context_before="Officials said ", context_after=" water would"
        )
        paragraph = soup_of(logged_in(editor_en).get(detail_url(report))).select_one(
            "[data-error-report-paragraph]"
        )
        assert paragraph.get_text().startswith("Officials said the water would recede by Friday.")
        before_mark = paragraph.mark.previous_sibling
        assert str(before_mark) == "Officials said "

    def test_a_purged_revision_falls_back_to_the_current_text(self, en_report, editor_en) -> None:
        en_report.revision.delete()
        en_report.refresh_from_db()
        assert en_report.revision is None
        paragraph = soup_of(logged_in(editor_en).get(detail_url(en_report))).select_one(
            "[data-error-report-paragraph]"
        )
        assert str(paragraph.mark) == "<mark>metres</mark>"
        assert paragraph.get_text().startswith("The river rose by two metres overnight.")

    def test_a_place_not_in_the_article_shows_the_readers_context(self, article, editor_en) -> None:
        report = submit(
            article, selected_text="Atlantis", context_before="lost city of ", context_after=" sank"
        )
        soup = soup_of(logged_in(editor_en).get(detail_url(report)))
        paragraph = soup.select_one("[data-error-report-paragraph]")
        assert paragraph.get_text() == "lost city of Atlantis sank"
        assert "Not found in the article as reported" in soup.get_text()

    def test_edit_link_readers_count_and_other_readers_comments(self, article, editor_en) -> None:
        submit(article, reader="r1", comment="first")
        report = submit(article, reader="r2", comment="second")
        client = logged_in(editor_en)
        row = soup_of(client.get(INDEX)).select_one("form.error-reports tbody tr")
        assert row.select_one("[data-error-report-edit]")["href"] == f"/admin/pages/{article.pk}/edit/"
        assert "2" in [td.get_text().strip() for td in row.find_all("td")]
        detail = soup_of(client.get(detail_url(report)))
        assert [p.get_text() for p in detail.select("[data-error-report-comment]")] == ["first", "second"]
        assert detail.select_one("[data-error-report-edit]")["href"] == f"/admin/pages/{article.pk}/edit/"

    def test_status_filter_defaults_to_new(self, article, editor_en, chief_editor) -> None:
        fixed = submit(article, selected_text="river", context_before="The ", context_after=" rose")
        submit(article)
        error_reports_mark(reports=ErrorReport.objects.filter(pk=fixed.pk), status="fixed", user=chief_editor)
        client = logged_in(editor_en)

        def marks(query: str) -> list[str]:
            return [
                m.get_text()
                for m in soup_of(client.get(INDEX + query)).select("[data-error-report-excerpt] mark")
            ]

        assert marks("") == ["metres"]
        assert marks("?status=fixed") == ["river"]
        assert sorted(marks("?status=")) == ["metres", "river"]
        assert marks("?status=rejected") == []

    def test_no_n_plus_one(self, article, editor_en) -> None:
        client = logged_in(editor_en)
        submit(article, reader="a", selected_text="two", context_before="rose by ", context_after=" metres")
        client.get(INDEX)
        with CaptureQueriesContext(connection) as few:
            client.get(INDEX)
        for n in range(8):
            submit(article, reader=f"b{n}", selected_text=f"word{n}")
        with CaptureQueriesContext(connection) as many:
            response = client.get(INDEX)
        assert len(soup_of(response).select("[data-error-report-excerpt]")) == 9
        assert len(many.captured_queries) == len(few.captured_queries)


class TestActions:
    def test_bulk_marks_several_and_reports_the_count(self, article, editor_en) -> None:
        reports = [submit(article, selected_text=f"w{n}") for n in range(3)]
        client = logged_in(editor_en)
        response = client.post(
            BULK, {"action": "duplicate", "report": [r.pk for r in reports[:2]], "next": INDEX}, follow=True
        )
        assert "Marked as duplicate: 2 reports." in response.content.decode()
        assert sorted(ErrorReport.objects.values_list("status", flat=True)) == [
            "duplicate",
            "duplicate",
            "new",
        ]

    def test_bulk_refuses_bad_input(self, en_report, editor_en) -> None:
        client = logged_in(editor_en)
        assert client.get(BULK).status_code == 405
        assert client.post(BULK, {"action": "delete", "report": [en_report.pk]}).status_code == 400
        assert client.post(BULK, {"action": "new", "report": [en_report.pk]}).status_code == 400
        assert client.post(BULK, {"action": "fixed", "report": ["x"]}).status_code == 400
        response = client.post(BULK, {"action": "fixed"}, follow=True)
        assert "Select at least one report first." in response.content.decode()
        assert client.post(
            BULK, {"action": "fixed", "report": [en_report.pk], "next": "https://evil.example/"}
        )["Location"] == reverse("corrections_admin:index")
        en_report.refresh_from_db()
        assert en_report.status == "fixed"

    def test_fix_with_a_public_note(
        self, en_report, editor_en, client: Client, django_capture_on_commit_callbacks
    ) -> None:
        article_url = en_report.article.url
        client.get(article_url)  # cached now
        admin = logged_in(editor_en)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(
                detail_url(en_report), {"action": "fixed_with_note", "note": "We misspelt metres."}
            )
        assert response.status_code == 302
        en_report.refresh_from_db()
        assert en_report.status == "fixed"
        note = CorrectionNote.objects.get()
        assert (note.article_id, note.report, note.created_by, note.text) == (
            en_report.article_id,
            en_report,
            editor_en,
            "We misspelt metres.",
        )
        assert "We misspelt metres." in client.get(article_url).content.decode()

    def test_fix_with_an_empty_note_changes_nothing(self, en_report, editor_en) -> None:
        response = logged_in(editor_en).post(
            detail_url(en_report), {"action": "fixed_with_note", "note": "  "}
        )
        assert response.status_code == 400
        assert message(services.NOTE_EMPTY) in response.content.decode()
        en_report.refresh_from_db()
        assert en_report.status == "new"
        assert not CorrectionNote.objects.exists()

    def test_fix_with_an_oversize_note_changes_nothing(self, en_report, editor_en) -> None:
        response = logged_in(editor_en).post(
            detail_url(en_report), {"action": "fixed_with_note", "note": "n" * 1001}
        )
        assert response.status_code == 400
        assert message(services.NOTE_TOO_LONG) in response.content.decode()
        en_report.refresh_from_db()
        assert en_report.status == "new"

    @pytest.mark.parametrize("action", ["fixed", "rejected", "duplicate"])
    def test_detail_actions(self, en_report, editor_en, action: str) -> None:
        response = logged_in(editor_en).post(detail_url(en_report), {"action": action, "note": "ignored"})
        assert response.status_code == 302
        en_report.refresh_from_db()
        assert en_report.status == action
        assert not CorrectionNote.objects.exists()

    def test_unknown_detail_action(self, en_report, editor_en) -> None:
        assert logged_in(editor_en).post(detail_url(en_report), {"action": "delete"}).status_code == 400

    def test_hide_a_note(self, en_report, editor_en) -> None:
        note = correction_note_create(article=en_report.article, text="Note", user=None)
        response = logged_in(editor_en).post(
            reverse("corrections_admin:note_hide", args=[note.pk]), {"next": detail_url(en_report)}
        )
        assert response.status_code == 302 and response["Location"] == detail_url(en_report)
        note.refresh_from_db()
        assert note.published is False
