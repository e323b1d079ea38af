"""The newsroom's side of photos (issue 14): alt text required with a lead photo (Wagtail's
page editor), and uploads that are refused with a clear error (format, size, pixels, a file
that does not decode)."""

from __future__ import annotations

import io
from typing import Any

import pytest
import wagtail_factories
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from newsdesk.articles.forms import ALT_TEXT_REQUIRED
from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish

pytestmark = pytest.mark.django_db


def edit_form(article: ArticlePage, **extra: object) -> dict:
    return nested_form_data(
        {
            "title": article.title,
            "slug": article.slug,
            "lead": "Lead.",
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
            "tags": "",
            "published_at": "",
            "initial_view_count": "0",
            "comments": inline_formset([]),
            "related_pins": inline_formset([]),
            "related_exclusions": inline_formset([]),
            "listing_image_caption": "",
            "listing_image_credit": "Kazinform",
            **extra,
        }
    )


class TestAltTextRequired:
    def test_a_photo_without_alt_text_is_refused_beside_the_field(
        self, sections, admin_client: Client
    ) -> None:
        article = article_publish(section=sections[("en", "economy")], title="Harvest")
        image = wagtail_factories.ImageFactory(title="Field")
        url = reverse("wagtailadmin_pages:edit", args=[article.pk])
        data = edit_form(article, listing_image=image.pk, listing_image_alt="  ")
        response = admin_client.post(url, {**data, "action-publish": "publish"})
        assert response.status_code == 200
        errors = response.context["form"].errors.as_data()
        assert [error.code for error in errors["listing_image_alt"]] == ["alt_required"]
        assert str(ALT_TEXT_REQUIRED) in response.content.decode()
        article.refresh_from_db()
        assert article.listing_image_id is None
        # A draft may be saved without it, as with Wagtail's own required fields.
        assert admin_client.post(url, data).status_code == 302
        draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
        assert draft.listing_image_id == image.pk

    def test_with_alt_text_it_is_saved_and_published(self, sections, admin_client: Client) -> None:
        article = article_publish(section=sections[("en", "economy")], title="Harvest")
        image = wagtail_factories.ImageFactory(title="Field")
        url = reverse("wagtailadmin_pages:edit", args=[article.pk])
        data = edit_form(article, listing_image=image.pk, listing_image_alt="Combines in a field")
        response = admin_client.post(url, {**data, "action-publish": "publish"})
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        article.refresh_from_db()
        assert (article.listing_image_id, article.listing_image_alt) == (image.pk, "Combines in a field")

    def test_no_photo_needs_no_alt_text(self, sections, admin_client: Client) -> None:
        article = article_publish(section=sections[("en", "economy")], title="Harvest")
        url = reverse("wagtailadmin_pages:edit", args=[article.pk])
        response = admin_client.post(url, edit_form(article, listing_image="", listing_image_alt=""))
        assert response.status_code == 302

    def test_a_gallery_photo_needs_alt_text_too(self, sections, admin_client: Client) -> None:
        article = article_publish(section=sections[("en", "economy")], title="Harvest")
        one, two = (wagtail_factories.ImageFactory(title=f"Photo {n}") for n in (1, 2))
        items = [{"image": one.pk, "alt": "", "caption": "", "credit": ""}]
        items.append({"image": two.pk, "alt": "Second", "caption": "", "credit": ""})
        images = {"count": len(items)} | {
            str(n): {"value": item, "deleted": "", "order": str(n), "id": f"item-{n}"}
            for n, item in enumerate(items)
        }
        body = streamfield([("gallery", {"title": "", "images": images})])
        response = admin_client.post(
            reverse("wagtailadmin_pages:edit", args=[article.pk]),
            {
                **edit_form(article, listing_image="", listing_image_alt="", body=body),
                "action-publish": "publish",
            },
        )
        assert response.status_code == 200
        assert "body" in response.context["form"].errors
        # With the alt text, the same gallery is saved.
        images["0"]["value"]["alt"] = "First"
        body = streamfield([("gallery", {"title": "", "images": images})])
        response = admin_client.post(
            reverse("wagtailadmin_pages:edit", args=[article.pk]),
            {
                **edit_form(article, listing_image="", listing_image_alt="", body=body),
                "action-publish": "publish",
            },
        )
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        gallery = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object().body[0]
        assert [item["alt"] for item in gallery.value["images"]] == ["First", "Second"]


def upload(admin_client: Client, name: str, content: bytes, content_type: str = "image/jpeg") -> Any:
    return admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": Collection.get_first_root_node().pk,
            "tags": "",
        },
    )


def jpeg(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise((width, height), 40).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def file_errors(response: Any) -> list[str]:
    assert response.status_code == 200, "the upload was accepted"
    return [error.code or "" for error in response.context["form"].errors.as_data()["file"]]


class TestUploads:
    def test_a_jpeg_is_accepted(self, admin_client: Client) -> None:
        response = upload(admin_client, "wheat.jpg", jpeg())
        assert response.status_code == 302
        assert get_image_model().objects.filter(title="wheat.jpg").exists()

    def test_a_truncated_jpeg_is_refused_with_a_clear_error(self, admin_client: Client) -> None:
        whole = jpeg(400, 300)
        response = upload(admin_client, "cut.jpg", whole[: len(whole) // 2])
        assert file_errors(response) == ["unreadable"]
        assert "image file is truncated" in response.content.decode()  # the reason, in the message
        assert not get_image_model().objects.filter(title="cut.jpg").exists()

    def test_svg_is_refused(self, admin_client: Client) -> None:
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        assert file_errors(upload(admin_client, "logo.svg", svg, "image/svg+xml")) == [
            "invalid_image_extension"
        ]

    def test_a_file_over_the_size_limit_is_refused(self, settings, admin_client: Client) -> None:
        settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
        content = jpeg(400, 300)
        assert len(content) > 10_000
        assert file_errors(upload(admin_client, "big.jpg", content)) == ["file_too_large"]

    def test_an_image_over_the_pixel_limit_is_refused(self, settings, admin_client: Client) -> None:
        settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 10_000
        assert file_errors(upload(admin_client, "wide.jpg", jpeg(200, 100))) == ["file_too_many_pixels"]
