"""Issue 15 on error reports: bad input gets a 4xx, one network cannot flood the editors."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from newsdesk.core.models import RateLimitCount
from newsdesk.corrections import services, views
from newsdesk.corrections.models import ErrorReport, ErrorReportReader

from .conftest import Reader, message, payload

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 29, 6, 0, 10, tzinfo=UTC)  # 11:00:10 in Almaty


def error_of(response) -> tuple[str, str, str]:
    body = response.json()
    return body["error"], body["message"], body["field"]


class TestDeeplyNestedBody:
    def test_about_950_nested_brackets_are_a_400_not_a_500(self, reader: Reader) -> None:
        response = reader.post(None, raw="[" * 950)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_json"

    @pytest.mark.parametrize(
        "raw",
        ["[" * 10_000, '{"article": 1, "comment": ' + "[" * 5000 + "]" * 5000 + "}"],
    )
    def test_nesting_that_exhausts_the_parser_says_so(self, reader: Reader, raw: str) -> None:
        response = reader.post(None, raw=raw)
        assert response.status_code == 400
        assert error_of(response) == ("invalid_json", message(views.BODY_TOO_DEEP), "")


class TestFormatCharacters:
    @pytest.mark.parametrize(
        "selected",
        ["\u200b", "\u200e\u200f", "\u202e", "\u2066\u2067\u2068\u2069", "\ufeff", "\u200b \u00ad \u2060"],
    )
    def test_a_selection_of_format_characters_only_is_empty(
        self, article, reader: Reader, selected: str
    ) -> None:
        response = reader.post(payload(article, selected_text=selected))
        assert response.status_code == 400
        assert error_of(response) == ("selection_empty", message(services.SELECTION_EMPTY), "selected_text")
        assert not ErrorReport.objects.exists()

    def test_bidi_controls_are_stripped_from_what_editors_see(self, article, reader: Reader) -> None:
        response = reader.post(
            payload(
                article,
                selected_text="met\u202eres",
                context_before="The river rose by two\u200b ",
                comment="\u2067Should be\u2069 meters\ufeff",
                suggestion="\u202dmeters",
            )
        )
        assert response.status_code == 202
        report = ErrorReport.objects.get()
        assert (report.selected_text, report.context_before) == ("metres", "The river rose by two ")
        assert (report.comment, report.suggestion) == ("Should be meters", "meters")
        assert report.readers.get().comment == "Should be meters"

    def test_letters_of_every_edition_are_kept(self, ru_article, reader: Reader) -> None:
        assert reader.post(payload(ru_article, selected_text="Қазақстан метра")).status_code == 202
        assert ErrorReport.objects.get().selected_text == "Қазақстан метра"


class TestPageAddress:
    @pytest.mark.parametrize(
        "url",
        [
            "https://evil.example/en/society/flood/",
            "http://testserver.evil.example/",
            "http://testserver@evil.example/",
            "https://testserver/en/",  # another scheme is another origin
        ],
    )
    def test_an_address_off_this_site_is_refused(self, article, reader: Reader, url: str) -> None:
        response = reader.post(payload(article, url=url))
        assert response.status_code == 400
        assert error_of(response) == ("url_offsite", message(services.URL_OFFSITE), "url")
        assert not ErrorReport.objects.exists()

    def test_the_refusal_speaks_the_editions_language(self, ru_article, client: Client) -> None:
        reader = Reader(client, language="ru")
        response = reader.post(payload(ru_article, selected_text="метра", url="https://evil.example/"))
        assert error_of(response)[1] == message(services.URL_OFFSITE, "ru") != message(services.URL_OFFSITE)
        deep = Reader(client, language="kk").post(None, raw="[" * 10_000)
        assert error_of(deep)[1] == message(views.BODY_TOO_DEEP, "kk") != message(views.BODY_TOO_DEEP)

    def test_the_public_address_is_this_site(self, article, reader: Reader, settings) -> None:
        settings.PUBLIC_BASE_URL = "https://news.example.kz"
        response = reader.post(payload(article, url="https://news.example.kz" + article.url))
        assert response.status_code == 202


class TestNetworkCeiling:
    """Rotating the User-Agent made a new reader per request: 200 of 200 were accepted."""

    def test_rotating_user_agents_from_one_address_stop_at_the_networks_minute(
        self, article, client: Client, settings
    ) -> None:
        with time_machine.travel(START, tick=False):
            codes = [
                Reader(client, ip="198.51.100.7", user_agent=f"Mozilla/5.0 rotation {n}")
                .post(payload(article, selected_text=f"word{n}"))
                .status_code
                for n in range(200)
            ]
            neighbour = Reader(client, ip="198.51.100.8").post(payload(article, selected_text="next door"))
        ceiling = settings.CORRECTIONS_NETWORK_RATE_PER_MINUTE
        assert codes == [202] * ceiling + [429] * (200 - ceiling)
        assert ErrorReport.objects.count() == ceiling + 1
        assert neighbour.status_code == 202

    def test_and_at_the_networks_day(self, article, client: Client, settings) -> None:
        settings.CORRECTIONS_NETWORK_RATE_PER_DAY = 30
        accepted = 0
        with time_machine.travel(START, tick=False) as traveller:
            for n in range(200):
                if n % 10 == 0:
                    traveller.shift(timedelta(minutes=1))
                reader = Reader(client, ip="198.51.100.7", user_agent=f"Mozilla/5.0 rotation {n}")
                response = reader.post(payload(article, selected_text=f"word{n}"))
                accepted += response.status_code == 202
            almaty_midnight = datetime(2026, 11, 29, 19, 0, tzinfo=UTC)
            until_midnight = (almaty_midnight - datetime.now(UTC)).total_seconds()
        assert accepted == 30
        assert int(response["Retry-After"]) == until_midnight

    def test_rotating_addresses_inside_one_ipv6_64_is_one_network(
        self, article, client: Client, settings
    ) -> None:
        with time_machine.travel(START, tick=False):
            codes = [
                Reader(client, ip=f"2001:db8:77:1::{n:x}", user_agent=f"Mozilla/5.0 rotation {n}")
                .post(payload(article, selected_text=f"word{n}"))
                .status_code
                for n in range(1, 41)
            ]
            other = Reader(client, ip="2001:db8:77:2::1").post(payload(article, selected_text="next block"))
        assert codes.count(202) == settings.CORRECTIONS_NETWORK_RATE_PER_MINUTE
        assert other.status_code == 202

    def test_one_greedy_reader_does_not_use_up_the_networks_allowance(
        self, article, client: Client, settings
    ) -> None:
        with time_machine.travel(START, tick=False):
            greedy = Reader(client, ip="198.51.100.7", user_agent="Mozilla/5.0 greedy")
            greedy_codes = [
                greedy.post(payload(article, selected_text=f"g{n}")).status_code for n in range(30)
            ]
            others = [
                Reader(client, ip="198.51.100.7", user_agent=f"Mozilla/5.0 reader {n}")
                .post(payload(article, selected_text=f"o{n}"))
                .status_code
                for n in range(30)
            ]
        per_reader = settings.CORRECTIONS_RATE_PER_MINUTE
        assert greedy_codes.count(202) == per_reader
        assert others.count(202) == settings.CORRECTIONS_NETWORK_RATE_PER_MINUTE - per_reader

    def test_the_no_script_form_has_the_same_ceiling(self, article, client: Client, settings) -> None:
        settings.CORRECTIONS_NETWORK_RATE_PER_MINUTE = 3
        url = f"/en/report-error/?article={article.pk}"
        with time_machine.travel(START, tick=False):
            codes = [
                client.post(
                    url,
                    {"selected_text": f"word{n}"},
                    REMOTE_ADDR="198.51.100.7",
                    HTTP_USER_AGENT=f"Mozilla/5.0 rotation {n}",
                ).status_code
                for n in range(5)
            ]
        assert codes == [302] * 3 + [429] * 2

    def test_no_address_is_stored_by_the_counters(self, article, client: Client, settings) -> None:
        settings.RATE_LIMIT_BACKEND = "database"
        Reader(client, ip="198.51.100.7").post(payload(article))
        keys = " ".join(RateLimitCount.objects.values_list("key", flat=True))
        assert RateLimitCount.objects.count() == 4  # reader and network, minute and day
        assert "198.51.100" not in keys


def test_reports_stored_before_are_cleaned_by_the_migration(article, reader: Reader) -> None:
    from django.apps import apps

    migration = importlib.import_module("newsdesk.corrections.migrations.0002_strip_format_characters")
    reader.post(payload(article, comment="plain"))
    ErrorReport.objects.update(selected_text="met\u202eres", comment="\u2066odd\u2069")
    ErrorReportReader.objects.update(comment="\u200bodd")
    migration.strip_format_characters(apps, None)
    report = ErrorReport.objects.get()
    assert (report.selected_text, report.comment) == ("metres", "odd")
    assert report.readers.get().comment == "odd"
