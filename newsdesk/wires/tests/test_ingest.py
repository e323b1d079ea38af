"""Partners' items into drafts, against a real feed server on 127.0.0.1 (no task worker needed)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from wagtail.models import WorkflowState

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import committed
from newsdesk.wires import services
from newsdesk.wires.jobs import wire_poll
from newsdesk.wires.models import WireItem, WireItemState
from newsdesk.wires.services import ingest_wire
from newsdesk.wires.workflow import WORKFLOW_NAME

from .desk_fixtures import WHEN, Entry, png_bytes, rss, serve, wire_for

pytestmark = pytest.mark.django_db

BUDGET = (
    "<p>The Mazhilis approved the republican budget for the next three years on Monday after a long debate, "
    "with spending on education and health care rising by a fifth.</p>"
)
FLOODS = (
    "<p>Rescuers evacuated three hundred residents of the village of Akmeshit as the river rose by two metres "
    "overnight, the emergencies ministry said on Tuesday.</p>"
)


def drafts() -> list[ArticlePage]:
    return list(ArticlePage.objects.filter(source__isnull=False).order_by("pk"))


def test_new_items_become_drafts_with_source_section_edition_and_images(feed_server, sections) -> None:
    photo = serve(feed_server, "/photo.png", png_bytes(), content_type="image/png")
    url = serve(
        feed_server,
        "/rss",
        rss(
            [
                Entry(
                    "kz-1",
                    "Budget approved",
                    BUDGET,
                    link="https://partner.example/1",
                    description="The lead.",
                    images=[photo],
                ),
                Entry("kz-2", "Floods in the north", FLOODS, link="https://partner.example/2"),
            ]
        ),
    )
    wire = wire_for(sections=sections, url=url)

    result = ingest_wire(wire)

    assert result.tally.as_dict() == {"found": 2, "created": 2, "updated": 0, "skipped": 0, "errors": 0}
    first, second = drafts()
    for article in (first, second):
        assert not article.live and article.first_published_at is None
        assert article.source == wire.partner
        assert article.get_parent().pk == sections[("en", "world")].pk
        assert article.locale.language_code == "en"
        state = WorkflowState.objects.get(object_id=str(article.pk))
        assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.workflow.name == WORKFLOW_NAME
    assert first.title == "Budget approved" and first.lead == "The lead."
    assert first.original_url == "https://partner.example/1"
    assert first.published_at == WHEN
    assert "Mazhilis approved" in str(first.body)
    assert first.listing_image is not None and first.listing_image.width == 64
    # The only photo is the lead photo, credited to the wire, and not repeated in the body.
    assert first.listing_image_credit == "Kazinform" and first.listing_image_alt == "Budget approved"
    assert [block.block_type for block in first.body] == ["paragraph"]
    assert second.listing_image is None
    items = WireItem.objects.order_by("pk")
    assert [(i.guid, i.state, i.article_id) for i in items] == [
        ("kz-1", "new", first.pk),
        ("kz-2", "new", second.pk),
    ]
    # Nothing reaches readers before an editor publishes it.
    first.refresh_from_db()
    assert Client().get(f"/en/world/{first.slug}/").status_code == 404
    assert "Budget approved" not in Client().get("/en/world/").content.decode()
    # Once an editor publishes it, readers see the partner credited, linked to the original.
    with committed():
        first.get_latest_revision().publish()
    page = Client().get(f"/en/world/{first.slug}/")
    source = BeautifulSoup(page.content, "html.parser").select_one(".article__source a")
    assert source is not None and source["href"] == "https://partner.example/1" and source.text == "Kazinform"


def test_same_guid_updates_an_untouched_draft_and_skips_once_an_editor_edited(feed_server, sections) -> None:
    url = serve(feed_server, "/rss", rss([Entry("kz-1", "Budget approved", BUDGET)]))
    wire = wire_for(sections=sections, url=url)
    ingest_wire(wire)
    (draft,) = drafts()

    serve(feed_server, "/rss", rss([Entry("kz-1", "Budget approved, updated", BUDGET)]))
    result = ingest_wire(wire)
    assert (result.tally.updated, result.tally.created) == (1, 0)
    draft.refresh_from_db()
    assert draft.get_latest_revision_as_object().title == "Budget approved, updated"
    assert WireItem.objects.get().state == WireItemState.UPDATED

    # Unchanged: skipped, no new revision.
    revisions = draft.revisions.count()
    assert ingest_wire(wire).tally.skipped == 1 and draft.revisions.count() == revisions

    editor = get_user_model().objects.create_superuser("ed", "ed@example.com", "x" * 12)
    edited = draft.get_latest_revision_as_object()
    edited.title = "Our own headline"
    edited.save_revision(user=editor)
    serve(feed_server, "/rss", rss([Entry("kz-1", "Budget approved, third version", BUDGET)]))
    result = ingest_wire(wire)
    assert (result.tally.skipped, result.tally.updated) == (1, 0)
    assert result.outcomes[0].reason == "edited by the newsroom"
    draft.refresh_from_db()
    assert draft.get_latest_revision_as_object().title == "Our own headline"
    assert len(drafts()) == 1


def test_same_link_with_a_new_guid_is_the_same_item(feed_server, sections) -> None:
    url = serve(
        feed_server, "/rss", rss([Entry("kz-1", "Budget approved", BUDGET, link="https://p.example/a")])
    )
    wire = wire_for(sections=sections, url=url)
    ingest_wire(wire)
    serve(
        feed_server,
        "/rss",
        rss([Entry("kz-1-v2", "Budget approved (2)", BUDGET, link="https://p.example/a")]),
    )
    assert ingest_wire(wire).tally.updated == 1
    assert len(drafts()) == 1 and WireItem.objects.count() == 1


def test_the_same_story_from_another_partner_is_linked_not_drafted(feed_server, sections) -> None:
    url_a = serve(
        feed_server, "/a", rss([Entry("a-1", "Budget approved", BUDGET, link="https://a.example/1")])
    )
    rewritten = BUDGET.replace("on Monday", "on Monday evening")
    url_b = serve(
        feed_server,
        "/b",
        rss(
            [
                Entry("b-9", "Parliament approves budget", rewritten, link="https://b.example/9"),
                Entry("b-10", "Floods in the north", FLOODS),
            ]
        ),
    )
    wire_a = wire_for(sections=sections, url=url_a, partner="Kazinform")
    wire_b = wire_for(sections=sections, url=url_b, partner="Trend")
    ingest_wire(wire_a)

    result = ingest_wire(wire_b)

    assert (result.tally.created, result.tally.skipped) == (1, 1)
    assert [outcome.action for outcome in result.outcomes] == ["duplicate", "created"]
    first = WireItem.objects.get(guid="a-1")
    echo = WireItem.objects.get(guid="b-9")
    assert echo.state == WireItemState.DUPLICATE and echo.article is None and echo.duplicate_of == first
    assert [i.wire.partner.name for i in first.also_reported_by.all()] == ["Trend"]
    assert len(drafts()) == 2  # a-1 and b-10, not b-9


def test_a_same_partner_rewrite_is_not_a_cross_partner_duplicate(feed_server, sections) -> None:
    url = serve(
        feed_server, "/a", rss([Entry("a-1", "Budget approved", BUDGET), Entry("a-2", "Budget", BUDGET)])
    )
    assert ingest_wire(wire_for(sections=sections, url=url)).tally.created == 2


def test_one_bad_item_does_not_stop_the_others(feed_server, sections, monkeypatch) -> None:
    url = serve(
        feed_server,
        "/rss",
        rss(
            [
                Entry("kz-1", "One", BUDGET),
                Entry("kz-bad", "Bad", FLOODS),
                Entry("kz-3", "Three", "<p>Other.</p>"),
            ]
        ),
    )
    real = services.draft_create

    def fragile(*, item: Any, **kwargs: Any) -> Any:
        if item.guid == "kz-bad":
            raise ValueError("broken item")
        return real(item=item, **kwargs)

    monkeypatch.setattr(services, "draft_create", fragile)
    result = ingest_wire(wire_for(sections=sections, url=url))
    assert result.tally.as_dict() == {"found": 3, "created": 2, "updated": 0, "skipped": 0, "errors": 1}
    assert [d.title for d in drafts()] == ["One", "Three"]
    assert not WireItem.objects.filter(guid="kz-bad").exists()  # its savepoint rolled back


def test_dry_run_writes_nothing(feed_server, sections) -> None:
    url = serve(feed_server, "/rss", rss([Entry("kz-1", "One", BUDGET)]))
    wire = wire_for(sections=sections, url=url)
    result = ingest_wire(wire, dry_run=True)
    assert [o.action for o in result.outcomes] == ["created"]
    assert not drafts() and not WireItem.objects.exists()


def test_images_that_are_not_images_are_refused_and_the_item_kept(feed_server, sections) -> None:
    fake = serve(feed_server, "/fake.png", b"<script>alert(1)</script>", content_type="image/png")
    svg = serve(
        feed_server, "/x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"
    )
    url = serve(feed_server, "/rss", rss([Entry("kz-1", "One", BUDGET, images=[fake, svg])]))
    result = ingest_wire(wire_for(sections=sections, url=url))
    assert result.tally.created == 1
    (draft,) = drafts()
    assert draft.listing_image is None
    assert len([p for p in result.problems if p.startswith("image ")]) == 2


def test_a_conditional_get_answers_not_modified(feed_server, sections) -> None:
    url = serve(feed_server, "/rss", rss([Entry("kz-1", "One", BUDGET)]), etag='"v1"')
    wire = wire_for(sections=sections, url=url)
    wire_poll(wire_id=wire.pk)
    wire.refresh_from_db()
    assert wire.etag == '"v1"' and wire.last_created == 1
    result = wire_poll(wire_id=wire.pk)
    assert result is not None and result.not_modified
    assert feed_server.requests[-1][1].get("If-None-Match") == '"v1"'
    wire.refresh_from_db()
    assert wire.last_created == 1  # the last real poll's counts stay


def test_a_failing_wire_backs_off_and_recovers(feed_server, sections) -> None:
    url = serve(feed_server, "/rss", b"oops", status=500, content_type="text/plain")
    wire = wire_for(sections=sections, url=url, poll_minutes=10)
    for failures, minutes in [(1, 20), (2, 40), (3, 80)]:
        before = timezone.now()
        wire_poll(wire_id=wire.pk)
        wire.refresh_from_db()
        assert wire.failures == failures and "500" in wire.last_error and "\n" not in wire.last_error
        assert wire.next_poll_at is not None
        assert (
            before + timedelta(minutes=minutes)
            <= wire.next_poll_at
            <= timezone.now() + timedelta(minutes=minutes)
        )
    wire.failures = 30
    wire.save()
    wire_poll(wire_id=wire.pk)
    wire.refresh_from_db()
    assert wire.next_poll_at is not None and wire.next_poll_at <= timezone.now() + timedelta(minutes=6 * 60)

    serve(feed_server, "/rss", rss([Entry("kz-1", "One", BUDGET)]))
    wire_poll(wire_id=wire.pk)
    wire.refresh_from_db()
    assert (wire.failures, wire.last_error, wire.last_created) == (0, "", 1)
