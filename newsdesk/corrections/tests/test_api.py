"""POST /api/corrections/reports/: what is stored, and what bad input gets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings

from newsdesk.core.ratelimit import rate_limiter
from newsdesk.core.ratelimit.redis import RedisRateLimiter
from newsdesk.core.readers import reader_hash
from newsdesk.core.tests.test_ratelimit import free_port
from newsdesk.corrections import services, views
from newsdesk.corrections.models import ErrorReport, ErrorReportReader
from newsdesk.corrections.services import error_reports_mark

from .conftest import API_URL, Reader, message, payload

pytestmark = pytest.mark.django_db


def error_of(response) -> tuple[str, str, str]:
    body = response.json()
    return body["error"], body["message"], body["field"]


class TestStored:
    def test_a_report_stores_everything_the_issue_lists(self, article, reader: Reader) -> None:
        response = reader.post(payload(article))
        assert response.status_code == 202
        assert response.json() == {"status": "received", "message": message(views.REPORT_RECEIVED)}
        report = ErrorReport.objects.get()
        assert report.article_id == article.pk
        assert report.revision_id == article.live_revision_id is not None
        assert report.locale_id == article.locale_id
        assert report.selected_text == "metres"
        assert report.context_before == "The river rose by two "
        assert report.context_after == " overnight. Rescuers evacuated 300 residents"
        assert report.comment == "Should be meters in our style."
        assert report.suggestion == "meters"
        assert report.url == "http://testserver" + article.url
        assert report.status == "new"
        assert report.report_count == 1
        assert report.created_at == report.last_reported_at

    def test_no_raw_ip_is_stored_only_the_daily_salted_reader_hash(self, article, client) -> None:
        with time_machine.travel(START, tick=False):
            Reader(client, ip="203.0.113.77").post(payload(article))
        report = ErrorReport.objects.get()
        stored = " ".join(str(value) for value in ErrorReport.objects.values().get().values())
        stored += " ".join(str(v) for v in ErrorReportReader.objects.values().get().values())
        assert "203.0.113.77" not in stored
        assert len(report.reporter_hash) == 64
        # The site's one reader identity (core.readers), the same the view counter uses...
        assert report.reporter_hash == reader_hash(
            ip="203.0.113.77", user_agent="Mozilla/5.0 reader", now=START
        )
        assert report.reporter_hash != reader_hash(
            ip="203.0.113.78", user_agent="Mozilla/5.0 reader", now=START
        )
        # ...salted per Almaty day: tomorrow the same reader cannot be linked to this report.
        tomorrow = START + timedelta(days=1)
        assert report.reporter_hash != reader_hash(
            ip="203.0.113.77", user_agent="Mozilla/5.0 reader", now=tomorrow
        )

    def test_url_defaults_to_the_article_address(self, article, reader: Reader) -> None:
        reader.post(payload(article, url=None))
        assert ErrorReport.objects.get().url == article.get_full_url()

    def test_whitespace_is_collapsed_and_unstorable_characters_dropped(self, article, reader: Reader) -> None:
        # A lone surrogate is valid JSON but not UTF-8; NUL is refused by PostgreSQL.
        body = json.dumps(payload(article, selected_text="two\n\t metres\u0000", comment="line 1\r\nline 2"))
        body = body.replace("metres", "met\\ud800res", 1)
        response = reader.post(None, raw=body)
        assert response.status_code == 202, response.content
        report = ErrorReport.objects.get()
        assert report.selected_text == "two metres"
        assert report.comment == "line 1\nline 2"

    def test_article_number_may_be_a_string_of_digits(self, article, reader: Reader) -> None:
        assert reader.post(payload(article, article=str(article.pk))).status_code == 202

    def test_messages_are_in_the_editions_language(self, ru_article, reader: Reader) -> None:
        response = reader.post(payload(ru_article, selected_text="метра"))
        assert response.json()["message"] == message(views.REPORT_RECEIVED, "ru")
        assert message(views.REPORT_RECEIVED, "ru") != message(views.REPORT_RECEIVED, "en")
        response = reader.post(payload(ru_article, selected_text="м" * 301))
        assert response.json()["message"] == message(services.SELECTION_TOO_LONG, "ru")


LIMIT_CASES = [
    # (field, accepted value, refused value, error code)
    ("selected_text", "a" * 300, "a" * 301, "selection_too_long"),
    ("context_before", "b" * 500, "b" * 501, "context_too_long"),
    ("context_after", "c" * 500, "c" * 501, "context_too_long"),
    ("comment", "d" * 1000, "d" * 1001, "comment_too_long"),
    ("suggestion", "e" * 300, "e" * 301, "suggestion_too_long"),
    ("url", "http://testserver/" + "f" * 482, "http://testserver/" + "f" * 483, "url_invalid"),
]
LIMIT_MESSAGES = {
    "selection_too_long": services.SELECTION_TOO_LONG,
    "context_too_long": services.CONTEXT_TOO_LONG,
    "comment_too_long": services.COMMENT_TOO_LONG,
    "suggestion_too_long": services.SUGGESTION_TOO_LONG,
    "url_invalid": services.URL_INVALID,
}


class TestLanguage:
    def test_before_the_article_is_known_the_pages_language_speaks(self, client) -> None:
        response = Reader(client, language="kk").post(None, raw="{not json")
        assert error_of(response)[1] == message(views.BODY_NOT_JSON, "kk")
        assert message(views.BODY_NOT_JSON, "kk") != message(views.BODY_NOT_JSON, "en")

    def test_without_lang_the_browsers_language(self, client) -> None:
        response = client.generic(
            "POST",
            API_URL,
            "{not json",
            content_type="application/json",
            HTTP_ORIGIN="http://testserver",
            HTTP_ACCEPT_LANGUAGE="kk",
        )
        assert error_of(response)[1] == message(views.BODY_NOT_JSON, "kk")

    def test_once_the_article_is_known_its_edition_speaks(self, ru_article, client) -> None:
        response = Reader(client, language="en").post(payload(ru_article, selected_text=""))
        assert error_of(response)[1] == message(services.SELECTION_EMPTY, "ru")


class TestLimits:
    @pytest.mark.parametrize(("field", "accepted", "refused", "code"), LIMIT_CASES)
    def test_boundaries(
        self, article, reader: Reader, field: str, accepted: str, refused: str, code: str
    ) -> None:
        assert reader.post(payload(article, **{field: accepted})).status_code == 202
        assert ErrorReport.objects.count() == 1
        response = reader.post(payload(article, **{field: refused}))
        assert response.status_code == 400
        assert error_of(response) == (code, message(LIMIT_MESSAGES[code]), field)
        assert ErrorReport.objects.count() == 1

    def test_one_character_is_enough(self, article, reader: Reader) -> None:
        assert reader.post(payload(article, selected_text="x")).status_code == 202

    @pytest.mark.parametrize("selected", ["", "   ", "\n\t", None])
    def test_empty_selection(self, article, reader: Reader, selected: str | None) -> None:
        response = reader.post(payload(article, selected_text=selected))
        assert response.status_code == 400
        assert error_of(response) == ("selection_empty", message(services.SELECTION_EMPTY), "selected_text")
        assert not ErrorReport.objects.exists()

    def test_comment_and_suggestion_may_be_empty(self, article, reader: Reader) -> None:
        assert reader.post(payload(article, comment="", suggestion="")).status_code == 202

    @pytest.mark.parametrize("field", ["selected_text", "comment", "suggestion", "context_before", "url"])
    def test_fields_must_be_text(self, article, reader: Reader, field: str) -> None:
        response = reader.post(payload(article, **{field: ["not", "text"]}))
        assert response.status_code == 400
        assert error_of(response) == ("invalid_type", message(services.FIELD_NOT_TEXT), field)

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/a", "/en/relative/"])
    def test_url_must_be_http(self, article, reader: Reader, url: str) -> None:
        response = reader.post(payload(article, url=url))
        assert error_of(response) == ("url_invalid", message(services.URL_INVALID), "url")


class TestArticle:
    def test_missing(self, article, reader: Reader) -> None:
        data = payload(article)
        del data["article"]
        response = reader.post(data)
        assert response.status_code == 400
        assert error_of(response) == ("article_missing", message(services.ARTICLE_MISSING), "article")

    @pytest.mark.parametrize("value", ["abc", True, 1.5, 0, -3, 10**30, {"id": 1}])
    def test_not_a_valid_number(self, article, reader: Reader, value: object) -> None:
        response = reader.post(payload(article, article=value))
        assert response.status_code == 400
        assert error_of(response) == ("article_invalid", message(services.ARTICLE_INVALID), "article")

    def test_unknown_article(self, article, reader: Reader) -> None:
        response = reader.post(payload(article, article=article.pk + 1000))
        assert response.status_code == 404
        assert error_of(response) == ("article_not_found", message(services.ARTICLE_NOT_FOUND), "article")

    def test_unpublished_article(self, article, reader: Reader) -> None:
        article.unpublish()
        response = reader.post(payload(article))
        assert response.status_code == 404
        assert not ErrorReport.objects.exists()

    def test_a_section_is_not_an_article(self, sections, article, reader: Reader) -> None:
        response = reader.post(payload(article, article=sections[("en", "society")].pk))
        assert response.status_code == 404


class TestRequestShape:
    @pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
    def test_wrong_method(self, client, method: str) -> None:
        response = client.generic(method, API_URL + "?lang=en", HTTP_ORIGIN="http://testserver")
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        assert error_of(response) == ("method_not_allowed", message(views.WRONG_METHOD), "")

    @pytest.mark.parametrize(
        "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
    )
    def test_wrong_content_type(self, article, reader: Reader, content_type: str) -> None:
        response = reader.post(payload(article), content_type=content_type)
        assert response.status_code == 415
        assert error_of(response) == ("unsupported_media_type", message(views.WRONG_CONTENT_TYPE), "")
        assert not ErrorReport.objects.exists()

    def test_json_with_charset_is_fine(self, article, reader: Reader) -> None:
        assert (
            reader.post(payload(article), content_type="application/json; charset=utf-8").status_code == 202
        )

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("{not json", views.BODY_NOT_JSON),
            (b"\xff\xfe{}", views.BODY_NOT_JSON),
            ('["a list"]', views.BODY_NOT_OBJECT),
            ('"a string"', views.BODY_NOT_OBJECT),
        ],
    )
    def test_body_not_a_json_object(self, reader: Reader, raw: str | bytes, expected: object) -> None:
        response = reader.post(None, raw=raw)
        assert response.status_code == 400
        assert error_of(response) == ("invalid_json", message(expected), "")

    def test_body_too_large(self, article, reader: Reader) -> None:
        response = reader.post(payload(article, comment="x" * (views.MAX_BODY_BYTES + 1)))
        assert response.status_code == 413
        assert error_of(response) == ("too_large", message(views.BODY_TOO_LARGE), "")


class TestCrossSite:
    @pytest.mark.parametrize(
        "headers",
        [
            {"origin": "https://evil.example"},
            {"origin": "http://testserver.evil.example"},
            {"origin": "null"},
            {"origin": None},  # neither Origin nor Referer
            {"origin": None, "Referer": "https://evil.example/page"},
            {"origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
            {"origin": "https://testserver"},  # another scheme is another origin
        ],
    )
    def test_rejected(self, article, reader: Reader, headers: dict) -> None:
        response = reader.post(payload(article), **headers)
        assert response.status_code == 403
        assert error_of(response) == ("cross_site", message(views.CROSS_SITE), "")
        assert not ErrorReport.objects.exists()

    def test_referer_stands_in_for_a_missing_origin(self, article, reader: Reader) -> None:
        response = reader.post(payload(article), origin=None, Referer="http://testserver" + article.url)
        assert response.status_code == 202

    def test_same_origin_fetch_metadata(self, article, reader: Reader) -> None:
        assert reader.post(payload(article), **{"Sec-Fetch-Site": "same-origin"}).status_code == 202

    @override_settings(PUBLIC_BASE_URL="https://news.example.kz")
    def test_public_base_url_is_allowed(self, article, reader: Reader) -> None:
        assert reader.post(payload(article), origin="https://news.example.kz").status_code == 202

    @override_settings(CSRF_TRUSTED_ORIGINS=["https://*.example.kz", "https://partner.example.com"])
    def test_csrf_trusted_origins_with_wildcards(self, article, reader: Reader) -> None:
        assert reader.post(payload(article), origin="https://m.example.kz").status_code == 202
        assert reader.post(payload(article), origin="https://partner.example.com").status_code == 202
        assert reader.post(payload(article), origin="http://m.example.kz").status_code == 403
        assert reader.post(payload(article), origin="https://example.kz.evil.example").status_code == 403


class TestHoneypot:
    def test_filled_honeypot_pretends_success_and_stores_nothing(self, article, reader: Reader) -> None:
        response = reader.post(payload(article, website="http://spam.example"))
        assert response.status_code == 202
        assert response.json() == {"status": "received", "message": message(views.REPORT_RECEIVED)}
        assert not ErrorReport.objects.exists()

    def test_empty_honeypot_is_a_reader(self, article, reader: Reader) -> None:
        assert reader.post(payload(article, website="")).status_code == 202
        assert ErrorReport.objects.count() == 1


class TestMerge:
    def test_identical_reports_of_the_same_place_are_one_row(self, article, client) -> None:
        Reader(client, ip="10.0.0.1").post(payload(article, comment="first"))
        Reader(client, ip="10.0.0.2").post(payload(article, comment="second", suggestion="metres?"))
        Reader(client, ip="10.0.0.3").post(payload(article, comment=""))
        report = ErrorReport.objects.get()
        assert report.report_count == 3
        assert report.comment == "first"
        assert list(report.readers.values_list("comment", flat=True)) == ["first", "second", ""]
        assert report.last_reported_at >= report.created_at

    def test_a_reader_repeating_a_report_is_not_a_new_reader(self, article, reader: Reader) -> None:
        reader.post(payload(article, comment=""))
        reader.post(payload(article, comment="Now with a comment"))
        report = ErrorReport.objects.get()
        assert report.report_count == 1
        assert report.comment == "Now with a comment"
        assert report.readers.count() == 1

    def test_same_word_at_another_place_is_another_report(self, article, client) -> None:
        Reader(client, ip="10.0.0.1").post(payload(article, selected_text="the"))
        Reader(client, ip="10.0.0.2").post(
            payload(
                article, selected_text="the", context_before="Officials said ", context_after=" water would"
            )
        )
        assert ErrorReport.objects.count() == 2

    def test_a_handled_report_is_not_reopened_by_a_new_one(self, article, client, chief_editor) -> None:
        Reader(client, ip="10.0.0.1").post(payload(article))
        error_reports_mark(reports=ErrorReport.objects.all(), status="rejected", user=chief_editor)
        Reader(client, ip="10.0.0.2").post(payload(article))
        assert sorted(ErrorReport.objects.values_list("status", "report_count")) == [
            ("new", 1),
            ("rejected", 1),
        ]

    def test_whitespace_differences_still_merge(self, article, client) -> None:
        Reader(client, ip="10.0.0.1").post(payload(article, context_before="The river  rose by two "))
        Reader(client, ip="10.0.0.2").post(payload(article, context_before="The river rose\nby two "))
        assert ErrorReport.objects.get().report_count == 2


START = datetime(2026, 11, 29, 6, 0, 10, tzinfo=UTC)


class TestRateLimit:
    def test_five_a_minute(self, article, client) -> None:
        reader, other = Reader(client, ip="10.0.0.1"), Reader(client, ip="10.0.0.9")
        with time_machine.travel(START, tick=False) as traveller:
            for n in range(5):
                assert reader.post(payload(article, selected_text=f"word{n}")).status_code == 202
            response = reader.post(payload(article, selected_text="word5"))
            assert response.status_code == 429
            assert error_of(response) == ("rate_limited", message(views.RATE_LIMITED), "")
            assert response["Retry-After"] == "50"  # the minute window ends at 06:01:00
            assert not ErrorReport.objects.filter(selected_text="word5").exists()
            assert other.post(payload(article, selected_text="word5")).status_code == 202
            traveller.shift(timedelta(seconds=50))
            assert reader.post(payload(article, selected_text="word6")).status_code == 202

    def test_fifty_a_day(self, article, reader: Reader) -> None:
        with time_machine.travel(START, tick=False) as traveller:
            for n in range(50):
                if n and n % 5 == 0:
                    traveller.shift(timedelta(minutes=1))
                assert reader.post(payload(article, selected_text=f"w{n}")).status_code == 202, n
            traveller.shift(timedelta(minutes=1))
            response = reader.post(payload(article, selected_text="w50"))
            assert response.status_code == 429
            # Until the end of the Almaty day, whose salt names the reader: 11:10:10 -> 24:00:00.
            assert int(response["Retry-After"]) == 12 * 3600 + 49 * 60 + 50
            traveller.move_to(datetime(2026, 11, 29, 19, 0, 1, tzinfo=UTC))  # 00:00:01 in Almaty
            assert reader.post(payload(article, selected_text="w51")).status_code == 202
        assert ErrorReport.objects.count() == 51

    def test_invalid_reports_do_not_use_up_the_allowance(self, article, reader: Reader) -> None:
        with time_machine.travel(START, tick=False):
            for _ in range(10):
                assert reader.post(payload(article, selected_text="")).status_code == 400
            assert reader.post(payload(article)).status_code == 202

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_the_proxys_entry_counts_not_the_spoofable_one(self, article, client) -> None:
        with time_machine.travel(START, tick=False):
            for n in range(5):
                spoofed = Reader(client, ip="172.16.0.1")
                response = spoofed.post(
                    payload(article, selected_text=f"p{n}"), **{"X-Forwarded-For": f"1.2.3.{n}, 198.51.100.7"}
                )
                assert response.status_code == 202
            response = Reader(client, ip="172.16.0.1").post(
                payload(article, selected_text="p5"), **{"X-Forwarded-For": "9.9.9.9, 198.51.100.7"}
            )
            assert response.status_code == 429


class TestRedisDown:
    """PITFALLS 3: with Redis unreachable the database counts, so reports are still accepted
    and still limited (docs/corrections.md)."""

    def test_reports_are_accepted_and_the_limits_still_hold(self, article, reader: Reader, settings) -> None:
        settings.RATE_LIMIT_BACKEND = "redis"
        settings.RATE_LIMIT_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
        with time_machine.travel(START, tick=False):
            codes = [reader.post(payload(article, selected_text=f"r{n}")).status_code for n in range(7)]
        assert codes == [202] * 5 + [429] * 2
        assert ErrorReport.objects.count() == 5
        assert isinstance(rate_limiter(), RedisRateLimiter)
