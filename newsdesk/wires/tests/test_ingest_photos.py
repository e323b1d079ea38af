"""A wire item's photos in its draft (issue 11, issue 14): the first is the lead photo with its alt
text, caption and credit, the others are body image blocks with theirs, and an editor can
publish the draft as it comes without typing anything."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from newsdesk.articles.forms import ALT_TEXT_REQUIRED
from newsdesk.articles.models import ArticlePage
from newsdesk.wires.models import WireItem, WireItemState
from newsdesk.wires.services import ingest_wire

from .desk_fixtures import Entry, png_bytes, rss, serve, wire_for

pytestmark = pytest.mark.django_db

TITLE = "Harvest begins in the north"
BODY = "<p>Farmers in the Kostanay region started the wheat harvest on Monday, a week earlier than usual.</p>"
# Markup in the feed's caption (escaped HTML, as partners send it) and longer than the field.
CAPTION_HTML = "<b>Combines</b> in a wheat field near Kostanay on Monday. " + "Golden wheat. " * 30
CAPTION = "Combines in a wheat field near Kostanay on Monday. " + "Golden wheat. " * 30


def feed(*, lead_caption: str = CAPTION_HTML, photos: list[str]) -> bytes:
    return rss(
        [
            Entry(
                "kz-photo-1",
                TITLE,
                BODY,
                link="https://partner.example/harvest",
                description="The harvest began early.",
                images=photos,
                captions={photos[0]: lead_caption},
            )
        ]
    )


def photo_urls(feed_server) -> list[str]:
    return [
        serve(feed_server, "/lead.png", png_bytes((64, 48)), content_type="image/png"),
        serve(feed_server, "/second.png", png_bytes((48, 64)), content_type="image/png"),
    ]


def the_draft() -> ArticlePage:
    return ArticlePage.objects.get(source__isnull=False).get_latest_revision_as_object()


def test_the_first_photo_is_the_lead_photo_with_alt_caption_and_credit(feed_server, sections) -> None:
    photos = photo_urls(feed_server)
    wire = wire_for(sections=sections, url=serve(feed_server, "/rss", feed(photos=photos)))

    result = ingest_wire(wire)

    assert (result.tally.created, result.tally.errors) == (1, 0)
    draft = the_draft()
    expected_caption = CAPTION[:300].strip()
    assert draft.listing_image is not None and draft.listing_image.width == 64
    assert draft.listing_image_caption == expected_caption  # plain text, trimmed to the field
    assert draft.listing_image_alt == expected_caption
    assert draft.listing_image_credit == "Kazinform"  # no attribution line: the partner's name
    # Wagtail's default alt text is the image's description: the caption, never the credit.
    assert draft.listing_image.description == CAPTION[:255].strip()
    # The caption is not the body or the lead (feedparser read media:description as the item's).
    assert draft.lead == "The harvest began early."
    # The lead photo is not repeated in the body; the second one is an image block with its alt.
    assert [block.block_type for block in draft.body] == ["image", "paragraph"]
    second = draft.body[0].value
    assert second["image"].pk != draft.listing_image.pk and second["image"].width == 48
    assert (second["alt"], second["caption"], second["credit"]) == (TITLE, "", "Kazinform")
    assert second["image"].description == ""
    assert "Kostanay region" in str(draft.body[1].value)


def test_without_a_caption_the_alt_text_is_the_title_and_the_credit_the_attribution(
    feed_server, sections
) -> None:
    photos = photo_urls(feed_server)
    url = serve(feed_server, "/rss", rss([Entry("kz-photo-1", TITLE, BODY, images=photos[:1])]))
    wire = wire_for(sections=sections, url=url, attribution="Kazinform / Askar Nurlanov")

    ingest_wire(wire)

    draft = the_draft()
    assert (draft.listing_image_alt, draft.listing_image_caption) == (TITLE, "")
    assert draft.listing_image_credit == "Kazinform / Askar Nurlanov"
    assert draft.listing_image.description == ""
    assert [block.block_type for block in draft.body] == ["paragraph"]


def edit_form_of(draft: ArticlePage, **changes: object) -> dict:
    """What the page editor posts when the editor changes nothing (or only `changes`)."""
    body = []
    for block in draft.body:
        if block.block_type == "image":
            value = block.value
            fields = {"image": value["image"].pk, "alt": value["alt"]}
            body.append(("image", fields | {"caption": value["caption"], "credit": value["credit"]}))
        else:
            body.append((block.block_type, rich_text(block.value.source)))
    return nested_form_data(
        {
            "title": draft.title,
            "slug": draft.slug,
            "lead": draft.lead,
            "body": streamfield(body),
            "tags": "",
            "published_at": "",
            "initial_view_count": "0",
            "comments": inline_formset([]),
            "related_pins": inline_formset([]),
            "related_exclusions": inline_formset([]),
            "listing_image": draft.listing_image_id,
            "listing_image_alt": draft.listing_image_alt,
            "listing_image_caption": draft.listing_image_caption,
            "listing_image_credit": draft.listing_image_credit,
            **changes,
        }
    )


def test_an_editor_publishes_the_draft_as_it_came(feed_server, sections, admin_client: Client) -> None:
    photos = photo_urls(feed_server)
    ingest_wire(wire_for(sections=sections, url=serve(feed_server, "/rss", feed(photos=photos))))
    draft = the_draft()
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])

    # The check is there: without the alt text the same form is refused beside the field.
    response = admin_client.post(url, {**edit_form_of(draft, listing_image_alt=""), "action-publish": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["listing_image_alt"]] == ["alt_required"]
    assert str(ALT_TEXT_REQUIRED) in response.content.decode()

    response = admin_client.post(url, {**edit_form_of(draft), "action-publish": "1"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = ArticlePage.objects.get(pk=draft.pk)
    assert page.live
    assert (page.listing_image_alt, page.listing_image_credit) == (CAPTION[:300].strip(), "Kazinform")
    assert [block.block_type for block in page.body] == ["image", "paragraph"]
    assert page.body[0].value["alt"] == TITLE


def test_a_new_caption_updates_an_untouched_draft_and_never_an_edited_one(feed_server, sections) -> None:
    photos = photo_urls(feed_server)
    rss_url = serve(feed_server, "/rss", feed(photos=photos))
    wire = wire_for(sections=sections, url=rss_url)
    ingest_wire(wire)

    # Unchanged: skipped by the content hash, no new revision.
    revisions = ArticlePage.objects.get().revisions.count()
    result = ingest_wire(wire)
    assert result.tally.skipped == 1 and result.outcomes[0].reason == "unchanged"
    assert ArticlePage.objects.get().revisions.count() == revisions

    # Only the caption changed: the hash sees it, and the untouched draft follows.
    serve(feed_server, "/rss", feed(photos=photos, lead_caption="Combines near Kostanay."))
    assert ingest_wire(wire).tally.updated == 1
    draft = the_draft()
    assert (draft.listing_image_caption, draft.listing_image_alt) == ("Combines near Kostanay.",) * 2
    assert draft.listing_image_credit == "Kazinform"
    assert [block.block_type for block in draft.body] == ["image", "paragraph"]  # still no duplicate
    assert WireItem.objects.get().state == WireItemState.UPDATED

    editor = get_user_model().objects.create_superuser("ed", "ed@example.com", "x" * 12)
    draft.listing_image_alt = "A combine harvester at work"
    draft.save_revision(user=editor)
    serve(feed_server, "/rss", feed(photos=photos, lead_caption="Another caption."))
    result = ingest_wire(wire)
    assert (result.tally.skipped, result.outcomes[0].reason) == (1, "edited by the newsroom")
    draft = the_draft()
    assert draft.listing_image_alt == "A combine harvester at work"
    assert draft.listing_image_caption == "Combines near Kostanay."
