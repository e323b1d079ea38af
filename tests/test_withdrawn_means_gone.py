"""Withdrawn means gone (issue 15, part 1): after unpublish, delete, expiry and move, the very
next anonymous request shows no trace of the article (or shows it in its new place) in search,
a sibling's relevant news, most viewed, the section and the home page, with the task worker
NOT running: tasks are only queued here, never executed.

Real commits (transactional database), Wagtail's own admin views for the editor's action,
and pages read through the page cache, warmed before the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks.backends.dummy import DummyBackend

from newsdesk.analytics.models import ArticleDailyViews
from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.pagecache.testing import PageCacheClient
from newsdesk.core.timezone import to_almaty
from newsdesk.editions.models import Edition
from newsdesk.related.models import ArticleVector, RelatedArticle
from newsdesk.related.services import related_rebuild
from newsdesk.search.models import SearchDocument

pytestmark = pytest.mark.django_db(transaction=True)

QUEUED_ONLY = {
    "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "bulk"]}
}
TARGET_TITLE = "Volcano ash covers Ashland village"


@pytest.fixture(autouse=True)
def worker_not_running(settings) -> Iterator[None]:
    settings.TASKS = QUEUED_ONLY
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    settings.PAGE_CACHE_SECONDS = 600
    yield


@dataclass
class Desk:
    target: ArticlePage
    sibling: ArticlePage
    politics: SectionPage
    economy: SectionPage


@pytest.fixture
def desk(sections: dict) -> Desk:
    politics, economy = sections[("en", "politics")], sections[("en", "economy")]
    now = timezone.now()
    target = article_publish(
        section=politics,
        title=TARGET_TITLE,
        paragraphs=["The volcano sent ash over the village of Ashland; farmers lost the harvest."],
        published_at=now - timedelta(hours=2),
    )
    sibling = article_publish(
        section=politics,
        title="Volcano ash closes the airport",
        paragraphs=["Ash from the volcano closed the airport near the village."],
        published_at=now - timedelta(hours=1),
    )
    for n in range(3):
        article_publish(
            section=politics,
            title=f"Parliament debates the budget {n}",
            paragraphs=["Deputies discussed the budget and taxes."],
            published_at=now - timedelta(hours=3 + n),
        )
    # What the worker did long before the change: every list computed.
    related_rebuild(languages=["en"])
    today = to_almaty(now).date()
    for article, views in ((target, 500), (sibling, 50)):
        ArticleDailyViews.objects.create(
            article=article, edition_id=article.locale_id, day=today, views=views
        )
    return Desk(target=target, sibling=sibling, politics=politics, economy=economy)


def reader_pages(desk: Desk) -> dict[str, str]:
    return {
        "home": "/en/",
        "section": desk.politics.url,
        "sibling": desk.sibling.url,
        "search": "/en/search/?q=volcano",
        "most viewed": "/en/most-viewed/",
    }


def read(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def warm(desk: Desk) -> dict[str, str]:
    """Every page read once by an anonymous reader (so the page cache holds it), showing the target."""
    client = PageCacheClient()
    pages = {name: read(client, url) for name, url in reader_pages(desk).items()}
    for name, html in pages.items():
        assert desk.target.url in html, f"before the change, {name} shows the article"
        if name != "search":  # search pages are never cached
            assert client.get(reader_pages(desk)[name])["X-Cache"] == "hit", name
    assert RelatedArticle.objects.filter(article=desk.sibling, related=desk.target).exists()
    return pages


def assert_gone(desk: Desk, url: str) -> None:
    client = PageCacheClient()
    for name, page_url in reader_pages(desk).items():
        html = read(client, page_url)
        assert url not in html, f"{name} still shows the article"
        assert TARGET_TITLE not in html, f"{name} still shows the headline"
    assert client.get(url).status_code == 404
    assert not SearchDocument.objects.filter(pk=desk.target.pk).exists()
    assert not ArticleVector.objects.filter(pk=desk.target.pk).exists()
    assert not RelatedArticle.objects.filter(related_id=desk.target.pk).exists()


def queued_tasks() -> list[str]:
    # QUEUED_ONLY: a proxy to the DummyBackend, which keeps what was enqueued.
    return [result.task.name for result in cast(DummyBackend, default_task_backend).results]


def test_unpublish_in_the_admin(desk: Desk, admin_client: Client) -> None:
    warm(desk)
    url = desk.target.url
    response = admin_client.post(f"/admin/pages/{desk.target.pk}/unpublish/")
    assert response.status_code == 302
    assert_gone(desk, url)
    assert "related_refill_task" in queued_tasks()  # the sibling's list is topped up later


def test_delete_in_the_admin(desk: Desk, admin_client: Client) -> None:
    warm(desk)
    url = desk.target.url
    response = admin_client.post(f"/admin/pages/{desk.target.pk}/delete/")
    assert response.status_code == 302
    assert not ArticlePage.objects.filter(pk=desk.target.pk).exists()
    assert_gone(desk, url)


def test_expiry_by_the_scheduler(desk: Desk) -> None:
    warm(desk)
    url = desk.target.url
    ArticlePage.objects.filter(pk=desk.target.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled")
    assert not ArticlePage.objects.get(pk=desk.target.pk).live
    assert_gone(desk, url)


def test_move_to_another_section_in_the_admin(desk: Desk, admin_client: Client) -> None:
    warm(desk)
    old_url = desk.target.url
    response = admin_client.post(f"/admin/pages/{desk.target.pk}/move/{desk.economy.pk}/confirm/")
    assert response.status_code == 302
    new_url = ArticlePage.objects.get(pk=desk.target.pk).url
    assert new_url.startswith(desk.economy.url) and new_url != old_url

    client = PageCacheClient()
    for name, page_url in reader_pages(desk).items():
        html = read(client, page_url)
        assert old_url not in html, f"{name} still links the old address"
        if name != "section":
            assert new_url in html, f"{name} does not show the new address"
    assert new_url in read(client, desk.economy.url)
    in_economy = read(client, f"/en/search/?q=volcano&section={desk.economy.pk}")
    assert new_url in in_economy
    assert new_url not in read(client, f"/en/search/?q=volcano&section={desk.politics.pk}")
    assert SearchDocument.objects.get(pk=desk.target.pk).section_id == desk.economy.pk
    assert ArticleVector.objects.get(pk=desk.target.pk).section_id == desk.economy.pk


def test_purge_waits_for_the_commit_and_a_rollback_changes_nothing(desk: Desk) -> None:
    warm(desk)
    url = desk.target.url
    article = ArticlePage.objects.get(pk=desk.target.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        article.unpublish()
        # Inside the transaction nothing outside the database has changed yet.
        assert SearchDocument.objects.filter(pk=article.pk).exists()
        assert url in read(PageCacheClient(), "/en/")  # still served from the page cache
        raise RuntimeError("the editor's request failed")
    assert ArticlePage.objects.get(pk=article.pk).live
    assert SearchDocument.objects.filter(pk=article.pk).exists()
    assert url in read(PageCacheClient(), "/en/search/?q=volcano")

    with transaction.atomic():
        ArticlePage.objects.get(pk=article.pk).unpublish()
        assert url in read(PageCacheClient(), "/en/")  # not purged before the commit
    assert_gone(desk, url)


def test_editing_an_edition_purges_its_pages(desk: Desk) -> None:
    warm(desk)
    edition = Edition.objects.get(locale__language_code="en")
    edition.copyright_notice = "Copying needs the written consent of Newsdesk Ltd, 2026."
    edition.save()
    assert "written consent of Newsdesk Ltd" in read(PageCacheClient(), "/en/")
    assert "written consent of Newsdesk Ltd" in read(PageCacheClient(), desk.sibling.url)


def test_publishing_queues_no_wagtail_index_work_when_our_engine_serves_search(sections: dict) -> None:
    before = len(queued_tasks())
    article_publish(section=sections[("en", "world")], title="Floods in the north", paragraphs=["Water."])
    queued = queued_tasks()[before:]
    assert "insert_or_update_object_task" not in queued
    assert "related_refresh_task" in queued


@pytest.fixture
def purges(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every purge of the page cache (a batch of URLs or everything), whatever the backend."""
    from newsdesk.core.pagecache.store import PageStore

    seen: list[str] = []
    original = PageStore.mark_purged

    def counted(self: PageStore) -> None:
        seen.append("purge")
        original(self)

    monkeypatch.setattr(PageStore, "mark_purged", counted)
    return seen


def test_a_publish_purges_the_page_cache_once(sections: dict, purges: list[str]) -> None:
    article_publish(section=sections[("en", "world")], title="One purge", paragraphs=["Text."])
    assert len(purges) == 1


def test_moving_a_section_purges_once_and_analyses_no_text(
    desk: Desk, admin_client: Client, purges: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.search import services as search_services

    analysed: list[int] = []

    def fields(**kwargs: object) -> dict[str, str]:
        analysed.append(1)
        return {}

    monkeypatch.setattr(search_services, "search_document_fields", fields)
    old_url = desk.target.url
    response = admin_client.post(
        f"/admin/pages/{desk.politics.pk}/move/{desk.politics.get_parent().pk}/confirm/"
    )
    assert response.status_code == 302
    assert analysed == []
    assert len(purges) <= 2  # the section's own move (core), then its articles' one batch
    assert SearchDocument.objects.get(pk=desk.target.pk).section_id == desk.politics.pk
    assert ArticlePage.objects.get(pk=desk.target.pk).url == old_url
