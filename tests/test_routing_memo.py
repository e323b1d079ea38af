"""Wagtail's routing answered from the per-process memo (issue 12): no routing queries for a
page that was read before, and every change that moves, withdraws or protects a page is seen by
the very next request, with no worker run (core.routing, core.fragments)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.utils import translation
from wagtail.models import PageViewRestriction, Site

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.core import fragments, routing


@pytest.fixture(autouse=True)
def empty_memo() -> None:
    fragments.memo.clear()


@pytest.fixture
def article(sections: dict) -> ArticlePage:
    return article_publish(section=sections[("en", "politics")], title="Routing memo story")


def read(client: Client, url: str) -> int:
    # Django's test client has no page cache in front (core.pagecache.testing has): a render.
    return client.get(url).status_code


def route(url: str) -> routing.RouteResult | None:
    # As Wagtail's serve view is called: the path after the edition's prefix, its language on.
    request = RequestFactory().get(url)
    with translation.override("en"):
        return routing.route_for_request(request, url.removeprefix("/en/"))


@pytest.mark.django_db
def test_a_page_read_before_is_routed_without_a_query(
    client: Client, article: ArticlePage, django_assert_num_queries
) -> None:
    assert read(client, article.url) == 200
    with django_assert_num_queries(0):
        result = route(article.url)
    assert result is not None and result.page.pk == article.pk


@pytest.mark.django_db
def test_each_request_gets_its_own_copy_of_the_page(article: ArticlePage) -> None:
    first, second = route(article.url), route(article.url)
    assert first is not None and second is not None
    assert first.page.pk == second.page.pk and first.page is not second.page
    first.page.title = "Changed by one request"
    assert second.page.title == "Routing memo story"


@pytest.mark.django_db
def test_an_unknown_address_is_not_kept(client: Client, sections: dict) -> None:
    assert read(client, "/en/politics/not-yet-written/") == 404
    # Published after the 404: the next request finds it, though nothing bumped in between
    # for the memo's sake (a 404 is never memoised).
    fresh = article_publish(section=sections[("en", "politics")], title="Not yet written")
    assert fresh.url == "/en/politics/not-yet-written/"
    assert read(client, fresh.url) == 200


@pytest.mark.django_db
def test_unpublished_and_moved_pages_leave_the_memo_at_once(
    client: Client, article: ArticlePage, sections: dict
) -> None:
    assert read(client, article.url) == 200
    old_url = article.url
    with committed():
        ArticlePage.objects.get(pk=article.pk).move(sections[("en", "economy")], pos="last-child")
    moved = ArticlePage.objects.get(pk=article.pk)
    # The old address is no longer routed to the page: Wagtail's redirect (made on move) answers.
    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"].endswith(moved.url)
    assert read(client, moved.url) == 200
    with committed():
        moved.unpublish()
    assert read(client, moved.url) == 404


@pytest.mark.django_db
def test_a_new_view_restriction_is_enforced_at_the_next_request(
    client: Client, article: ArticlePage, django_assert_num_queries
) -> None:
    assert read(client, article.url) == 200
    with django_assert_num_queries(0):
        assert routing.view_restrictions_exist() is False
    with committed():
        restriction = PageViewRestriction.objects.create(
            page=article.get_parent(), restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set([Group.objects.get_or_create(name="Subscribers")[0]])
    response = Client().get(article.url)
    assert response.status_code == 302 and "login" in response["Location"]
    with committed():
        restriction.delete()
    assert read(client, article.url) == 200


@pytest.mark.django_db
def test_a_site_change_is_seen_at_the_next_request(client: Client, article: ArticlePage) -> None:
    assert read(client, article.url) == 200
    site = Site.objects.get(is_default_site=True)
    with committed():
        site.hostname, site.is_default_site = "elsewhere.example", False
        site.save()
    # No site answers for this host any more: Wagtail's own answer, not the memo's.
    assert read(client, article.url) == 404


@pytest.mark.django_db
def test_without_a_generation_wagtail_routes_as_usual(
    client: Client, article: ArticlePage, monkeypatch
) -> None:
    assert read(client, article.url) == 200
    monkeypatch.setattr(routing, "fragments_generation", lambda **kwargs: None)
    monkeypatch.setattr(fragments, "fragments_generation", lambda **kwargs: None)
    with committed():
        ArticlePage.objects.filter(pk=article.pk).update(live=False)  # no signal, no bump
    assert read(client, article.url) == 404


@pytest.mark.django_db
def test_a_read_of_a_page_asks_the_shared_cache_for_its_generations_once(
    client: Client, article: ArticlePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """View restrictions are asked for without the request (the routing memo hands it over),
    and the most-viewed lists' generation comes in the same round trip as the fragments'."""
    from newsdesk.analytics.selectors import MOST_VIEWED_GENERATION_KEY

    assert read(client, article.url) == 200
    reads: list[str] = []
    original_get, original_get_many = fragments.cache.get, fragments.cache.get_many

    inside_get_many: list[bool] = []

    def get(key: str, *args: Any, **kwargs: Any) -> Any:
        if not inside_get_many:  # a local cache's get_many calls get for each key
            reads.append(key)
        return original_get(key, *args, **kwargs)

    def get_many(keys: list[str], *args: Any, **kwargs: Any) -> Any:
        reads.append("+".join(keys))
        inside_get_many.append(True)
        try:
            return original_get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    monkeypatch.setattr(fragments.cache, "get", get)
    monkeypatch.setattr(fragments.cache, "get_many", get_many)
    assert read(client, article.url) == 200
    generations = [key for key in reads if "generation" in key]
    assert generations == [f"{fragments.GENERATION_KEY}+{MOST_VIEWED_GENERATION_KEY}"]


@pytest.mark.django_db
def test_a_dropped_most_viewed_list_is_seen_by_the_next_request(client: Client, article: ArticlePage) -> None:
    from newsdesk.analytics.selectors import most_viewed_lists_forget

    def block_key_part() -> object:
        request = RequestFactory().get(article.url)
        fragments.fragments_generation(request=request)
        from newsdesk.analytics.selectors import most_viewed_lists_generation

        return most_viewed_lists_generation(request=request)

    before = block_key_part()
    most_viewed_lists_forget()
    assert block_key_part() != before
