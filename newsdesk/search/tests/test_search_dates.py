"""Dates at the ends of the calendar are a 400 with a message, never a 500 (issue 15, item 4)."""

from __future__ import annotations

import pytest
from django.test import Client

from newsdesk.search.forms import DATE_MAX, DATE_MIN, DATE_OUT_OF_RANGE, DATES_REVERSED

pytestmark = pytest.mark.django_db


def out_of_range_message() -> str:
    return str(DATE_OUT_OF_RANGE) % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}


@pytest.mark.parametrize(
    "params",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_to": "0001-01-01"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"date_from": "1899-12-31"},
        {"date_to": "2101-01-01"},
    ],
)
def test_absurd_dates_are_a_400_with_the_reason(homes, client: Client, params: dict[str, str]) -> None:
    response = client.get("/en/search/", {"q": "grain", **params})
    assert response.status_code == 400
    assert out_of_range_message() in response.content.decode()


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_the_ends_of_the_range_are_searched(homes, client: Client, sort: str) -> None:
    params = {"q": "grain", "date_from": DATE_MIN.isoformat(), "date_to": DATE_MAX.isoformat(), "sort": sort}
    assert client.get("/en/search/", params).status_code == 200


def test_reversed_dates_keep_their_message(homes, client: Client) -> None:
    response = client.get("/en/search/", {"q": "grain", "date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert response.status_code == 400
    assert str(DATES_REVERSED) in response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_reason_is_given_in_the_editions_language(homes, client: Client, language: str) -> None:
    from django.utils import translation

    response = client.get(f"/{language}/search/", {"q": "астана", "date_to": "9999-12-31"})
    assert response.status_code == 400
    with translation.override(language):
        message = out_of_range_message()
    with translation.override("en"):
        assert message != out_of_range_message()  # translated, not the English text
    assert message in response.content.decode()
