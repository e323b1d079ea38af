"""The apps' JSON API (/api/v2/): real requests through the test client, real database and cache."""

from __future__ import annotations

from datetime import datetime

import pytest
import wagtail_factories
from django.core.cache import cache
from django.test import Client

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.tests.factories import ArticlePageFactory, AuthorFactory, article_publish, committed
from newsdesk.core.timezone import ALMATY
from newsdesk.syndication.api import params, selectors, views
from newsdesk.syndication.api.cache import API_GENERATION_KEY, api_cache_forget

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v2/articles/"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ALMATY)


def _items(client: Client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_seed_article_carries_every_field(client: Client, seed_article: ArticlePage) -> None:
    response = client.get(ARTICLES, {"edition": "en"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in response
    data = response.json()
    assert data["meta"]["total_count"] == 1
    item = data["items"][0]
    assert item["id"] == seed_article.pk
    assert item["title"] == "Kazakh and Russian Presidents held a meeting"
    # Almaty was UTC+6 in 2021 (UTC+5 since March 2024).
    assert item["published_at"] == "2021-08-22T08:42:00+06:00"
    assert item["source"] == {"name": "Kazinform", "url": "https://www.inform.kz/"}
    assert item["section"]["slug"] == "politics"
    assert item["section"]["url"] == "http://127.0.0.1:8000/en/politics/"
    assert {tag["slug"] for tag in item["tags"]} == {"kazakhstan", "russia", "diplomacy"}
    assert item["url"] == "http://127.0.0.1:8000/en/politics/kazakh-and-russian-presidents-held-a-meeting/"
    assert set(item["translations"]) == {"ru", "kk"}
    assert item["translations"]["ru"].startswith("http://127.0.0.1:8000/ru/politics/")
    assert "body" not in item  # the body is in the article's own resource


def test_detail_has_body_as_front_end_html(client: Client, sections: dict) -> None:
    politics = sections[("en", "politics")]
    target = article_publish(section=politics, title="Target story")
    article = article_publish(
        section=politics,
        title="Linking story",
        lead="The lead.",
        paragraphs=[f'See <a linktype="page" id="{target.pk}">the target</a>.'],
        authors=[AuthorFactory(name="Aida Reporter")],
    )

    response = client.get(f"{ARTICLES}{article.pk}/")

    assert response.status_code == 200
    item = response.json()
    assert item["lead"] == "The lead."
    assert [a["name"] for a in item["authors"]] == ["Aida Reporter"]
    assert 'href="/en/politics/target-story/"' in item["body"]
    assert "linktype" not in item["body"]
    assert response["Cache-Control"] == "public, max-age=60"


def test_filters_and_ordering(client: Client, sections: dict) -> None:
    politics, economy = sections[("en", "politics")], sections[("en", "economy")]
    old = article_publish(section=politics, title="Old politics", published_at=_at("2025-01-10T10:00"))
    new = article_publish(section=economy, title="New economy", published_at=_at("2025-01-12T10:00"))
    new.tags.add("grain")
    new.save_revision().publish()
    ru = article_publish(
        section=sections[("ru", "politics")], title="Ru politics", published_at=_at("2025-01-11T10:00")
    )

    def ids(**query: str) -> list[int]:
        return [
            item["id"]
            for item in _items(client, ARTICLES + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
        ]

    assert ids() == [new.pk, ru.pk, old.pk]
    assert ids(order="published_at") == [old.pk, ru.pk, new.pk]
    assert ids(edition="en") == [new.pk, old.pk]
    assert ids(section="politics") == [ru.pk, old.pk]
    assert ids(section="politics", edition="ru") == [ru.pk]
    assert ids(tag="grain") == [new.pk]
    assert ids(published_after="2025-01-11") == [new.pk, ru.pk]
    assert ids(published_before="2025-01-11") == [old.pk]
    # A time without an offset is Almaty time; one with an offset is honoured.
    assert ids(published_after="2025-01-12T10:00:00", published_before="2025-01-12T10:00:01") == [new.pk]
    assert ids(published_after="2025-01-12T05:00:00%2B00:00") == [new.pk]
    assert ids(limit="1", offset="1") == [ru.pk]


def test_drafts_and_unpublished_never_appear_and_unpublish_is_seen_at_once(
    client: Client, sections: dict
) -> None:
    politics = sections[("en", "politics")]
    live = article_publish(section=politics, title="Live story")
    withdrawn = article_publish(section=politics, title="Withdrawn story")
    draft = ArticlePageFactory.build(
        title="Draft story", slug="draft-story", locale_id=politics.locale_id, live=False
    )
    with committed():
        politics.add_child(instance=draft)
        draft.save_revision()

    assert [i["id"] for i in _items(client, ARTICLES)] == [withdrawn.pk, live.pk]
    assert client.get(f"{ARTICLES}{withdrawn.pk}/").status_code == 200
    assert client.get(f"{ARTICLES}{draft.pk}/").status_code == 404

    with committed():
        ArticlePage.objects.get(pk=withdrawn.pk).unpublish()

    # The list and the detail were cached a moment ago: the unpublish dropped them.
    assert [i["id"] for i in _items(client, ARTICLES)] == [live.pk]
    response = client.get(f"{ARTICLES}{withdrawn.pk}/")
    assert response.status_code == 404
    assert response.json() == {"message": views.ARTICLE_NOT_FOUND}


def test_responses_are_cached_until_an_article_changes(
    client: Client, sections: dict, django_assert_num_queries
) -> None:
    article_publish(section=sections[("en", "politics")], title="Cached story")
    client.get(ARTICLES)
    with django_assert_num_queries(0):
        assert client.get(ARTICLES).status_code == 200
    api_cache_forget()
    assert cache.get(API_GENERATION_KEY) is not None
    with django_assert_num_queries(6):  # no listing image: no renditions query
        client.get(ARTICLES)


def _add_articles(section: SectionPage, start: int, count: int) -> None:
    for n in range(start, start + count):
        article = article_publish(
            section=section,
            title=f"Counted {n}",
            listing_image=wagtail_factories.ImageFactory(title=f"photo {n}"),
            authors=[AuthorFactory(), AuthorFactory()],
        )
        article.tags.add(f"tag{n}", "common")
        article.save_revision().publish()


def test_list_query_count_is_constant(client: Client, sections: dict, django_assert_num_queries) -> None:
    # count, articles (+locale, source, image), renditions, tags, authors, sections, translations
    for start, count in ((0, 3), (3, 12)):
        _add_articles(sections[("en", "politics")], start, count)
        _add_articles(sections[("en", "economy")], start + 100, 1)
        assert len(_items(client, ARTICLES + "?limit=50")) == start + count + (1 if start == 0 else 2)
        api_cache_forget()  # renditions now exist; count an uncached request
        with django_assert_num_queries(7):
            items = _items(client, ARTICLES + "?limit=50")
        assert all(len(item["image"]["renditions"]) == 3 for item in items)
        assert all(len(item["authors"]) == 2 and item["section"] for item in items)
        api_cache_forget()
        with django_assert_num_queries(8):  # one more to find the section
            _items(client, ARTICLES + "?limit=50&section=politics")


def test_sections_and_editions(client: Client, homes: dict) -> None:
    sections = _items(client, "/api/v2/sections/?edition=kk")
    assert {s["edition"] for s in sections} == {"kk"}
    assert sections[0]["url"].startswith("http://127.0.0.1:8000/kk/")
    editions = {e["code"]: e for e in _items(client, "/api/v2/editions/")}
    assert set(editions) == {"ru", "kk", "en"}
    assert editions["en"]["name"]
    assert editions["en"]["copyright_notice"]
    assert editions["en"]["home_url"] == "http://127.0.0.1:8000/en/"


def test_an_edited_edition_is_in_the_next_answer(client: Client, homes: dict) -> None:
    from newsdesk.editions.models import Edition

    assert _items(client, "/api/v2/editions/")  # cached now
    edition = Edition.objects.get(locale__language_code="en")
    edition.copyright_notice = "Reprints need written consent, 2026."
    with committed():
        edition.save()
    editions = {e["code"]: e for e in _items(client, "/api/v2/editions/")}
    assert editions["en"]["copyright_notice"] == "Reprints need written consent, 2026."


UNKNOWN = params.UNKNOWN_PARAMETERS.format(
    names="{names}", accepted=", ".join(sorted(params.ARTICLE_PARAMETERS))
)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (ARTICLES + "?foo=1", UNKNOWN.format(names="foo")),
        (ARTICLES + "?search=x&fields=body", UNKNOWN.format(names="fields, search")),
        (ARTICLES + "?limit=abc", params.BAD_INTEGER.format(name="limit", maximum=50)),
        (ARTICLES + "?limit=-1", params.BAD_INTEGER.format(name="limit", maximum=50)),
        (ARTICLES + "?limit=51", params.LIMIT_TOO_HIGH.format(maximum=50)),
        (ARTICLES + "?limit=" + "9" * 5000, params.LIMIT_TOO_HIGH.format(maximum=50)),
        (ARTICLES + "?offset=1.5", params.BAD_INTEGER.format(name="offset", maximum=params.MAX_OFFSET)),
        (
            ARTICLES + "?offset=99999999999999999999",
            params.BAD_INTEGER.format(name="offset", maximum=params.MAX_OFFSET),
        ),
        (ARTICLES + "?limit=1&limit=2", params.REPEATED_PARAMETER.format(name="limit")),
        (ARTICLES + "?edition=de", params.UNKNOWN_EDITION.format(value="de", codes="ru, kk, en")),
        (ARTICLES + "?section=nope", selectors.UNKNOWN_SECTION.format(value="nope")),
        (ARTICLES + "?tag=", params.EMPTY_VALUE.format(name="tag")),
        (ARTICLES + "?published_after=yesterday", params.BAD_DATE.format(name="published_after")),
        (ARTICLES + "?published_after=2021-13-45", params.BAD_DATE.format(name="published_after")),
        (ARTICLES + "?published_before=0001-01-01", params.BAD_DATE.format(name="published_before")),
        (
            ARTICLES + "?published_before=9999-12-31T23:59:59-12:00",
            params.BAD_DATE.format(name="published_before"),
        ),
        (ARTICLES + "?order=title", params.BAD_ORDER.format(choices="-published_at, published_at")),
        (ARTICLES + "1/?limit=1", params.UNKNOWN_PARAMETERS.format(names="limit", accepted="")),
        ("/api/v2/sections/?edition=xx", params.UNKNOWN_EDITION.format(value="xx", codes="ru, kk, en")),
        (
            "/api/v2/editions/?edition=en",
            params.UNKNOWN_PARAMETERS.format(names="edition", accepted="limit, offset"),
        ),
    ],
)
def test_bad_input_is_a_400_with_a_message(client: Client, homes: dict, url: str, message: str) -> None:
    response = client.get(url)

    assert response.status_code == 400
    assert response.json() == {"message": message}
