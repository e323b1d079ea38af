"""Photos on reader pages (issue 14): the renditions' markup, focal-point crops, a broken or
missing file that leaves the page up, and renditions made in the background."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
import wagtail_factories
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.test import Client
from django_tasks import default_task_backend
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.models import Filter

from newsdesk.articles.models import TEASER_RENDITIONS, ArticlePage
from newsdesk.articles.photos import ALL_RENDITIONS, PHOTO_RENDITIONS, TEASER_SPECS
from newsdesk.articles.tasks import photo_renditions_task
from newsdesk.articles.tests.factories import article_publish

pytestmark = pytest.mark.django_db

# The syndication app's own (JSON-LD, OpenGraph): not made by the photo task.
SHARING = ("fill-1200x675", "fill-1200x900", "fill-1200x1200")
QUEUED_ONLY = {
    "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "bulk"]}
}


def photo(title: str = "Harvest", width: int = 1600, height: int = 900) -> Any:
    return wagtail_factories.ImageFactory(title=title, file__width=width, file__height=height)


def gallery(*images: Any) -> tuple[str, dict]:
    items = [
        {"image": image, "alt": f"Alt {n}", "caption": f"Caption {n}", "credit": "Kazinform"}
        for n, image in enumerate(images)
    ]
    return ("gallery", {"title": "Harvest in pictures", "images": items})


def photo_article(sections: dict, **fields: Any) -> ArticlePage:
    article = article_publish(
        section=sections[("en", "economy")],
        title="Harvest photographed",
        listing_image=photo(),
        listing_image_alt="Combines in a wheat field",
        listing_image_caption="Harvest near Kostanay",
        listing_image_credit="Kazinform",
        **fields,
    )
    return article


def tree(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def widths(srcset: str) -> list[str]:
    return [candidate.split()[-1] for candidate in srcset.split(", ")]


class TestLeadPhoto:
    def test_a_picture_in_avif_webp_and_jpeg_from_phone_to_desktop(self, sections, client: Client) -> None:
        article = photo_article(sections)
        figure = tree(client, article.url).select("article.article figure.article-photo")[0]
        sources = figure.select("picture source")
        assert [s.get("type") for s in sources] == ["image/avif", "image/webp"]
        for source in sources:
            assert widths(source.get("srcset")) == ["480w", "800w", "1200w"]
            assert source.get("sizes") == "(min-width: 900px) 760px, 100vw"
        img = figure.select("picture img")[0]
        assert img.get("src").endswith(".fill-480x270-c100.format-jpeg.jpg")
        assert widths(img.get("srcset")) == ["480w", "800w", "1200w"]
        assert (img.get("width"), img.get("height")) == ("480", "270")
        assert img.get("alt") == "Combines in a wheat field"
        assert img.get("loading") == "eager" and img.get("fetchpriority") == "high"
        assert figure.select("figcaption")[0].get_text() == "Harvest near Kostanay Photo: Kazinform"

    def test_every_other_image_loads_lazily_with_its_size(self, sections, client: Client) -> None:
        article = photo_article(sections)
        article.body = [
            ("paragraph", "<p>Text.</p>"),
            ("image", {"image": photo("Inline"), "alt": "A silo", "caption": "", "credit": "Kazinform"}),
            gallery(photo("One"), photo("Two")),
        ]
        article.save_revision().publish()
        page = tree(client, article.url)
        images = page.select("picture img")
        assert len(images) == 4
        lead, *others = images
        assert lead.get("fetchpriority") == "high"
        for img in others:
            assert img.get("loading") == "lazy" and img.get("fetchpriority") is None
            assert (img.get("width"), img.get("height")) == ("480", "270")
        assert [img.get("alt") for img in others] == ["A silo", "Alt 0", "Alt 1"]
        assert page.select(".article-figure figcaption")[0].get_text() == "Photo: Kazinform"

    def test_the_russian_edition_credits_in_russian(self, sections, client: Client) -> None:
        article = article_publish(
            section=sections[("ru", "economy")],
            title="Урожай",
            slug="urozhai",
            listing_image=photo(),
            listing_image_alt="Комбайны в поле",
            listing_image_credit="Kazinform",
        )
        caption = tree(client, article.url).select("figure.article-photo figcaption")[0]
        assert caption.get_text() == "Фото: Kazinform"

    def test_an_older_photo_without_alt_text_falls_back_to_the_image_description(
        self, sections, client: Client
    ) -> None:
        image = photo("Wheat field")
        article = article_publish(section=sections[("en", "economy")], title="Older", listing_image=image)
        img = tree(client, article.url).select("figure.article-photo img")[0]
        assert img.get("alt") == "Wheat field"


class TestTeasers:
    def test_teasers_use_small_16_9_crops_fetched_with_the_listing(self, sections, client: Client) -> None:
        article = photo_article(sections)
        teaser = tree(client, sections[("en", "economy")].url).select(".teaser")[0]
        sources = teaser.select("picture source")
        assert [s.get("type") for s in sources] == ["image/avif", "image/webp"]
        assert widths(sources[0].get("srcset")) == ["320w", "480w", "800w"]
        img = teaser.select("img")[0]
        assert (img.get("width"), img.get("height")) == ("320", "180")
        assert img.get("loading") == "lazy" and img.get("alt") == ""
        # What the template asked for is what the listing prefetches.
        made = set(article.listing_image.renditions.values_list("filter_spec", flat=True))
        assert made == set(Filter.expand_spec(list(TEASER_SPECS))) <= set(TEASER_RENDITIONS)

    def test_the_front_pages_lead_teaser_is_its_first_image_to_load(self, sections, client: Client) -> None:
        photo_article(sections)
        lead = tree(client, "/en/").select(".lead-story img")[0]
        assert lead.get("loading") == "eager" and lead.get("fetchpriority") == "high"


def test_crops_keep_the_focal_point(sections) -> None:
    """A square photo, red at the top and blue below, its focal point in the red: the 16:9 crop
    is taken from the top. Without the focal point it would be the (blue-red) middle."""
    picture = PILImage.new("RGB", (1000, 1000), "blue")
    picture.paste(PILImage.new("RGB", (1000, 300), "red"), (0, 0))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = get_image_model()(
        title="Two colours",
        focal_point_x=500,
        focal_point_y=120,
        focal_point_width=200,
        focal_point_height=100,
    )
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="two-colours.png")
    image.save()
    rendition = image.get_rendition("fill-480x270-c100|format-png")
    with rendition.file.open("rb") as handle, PILImage.open(handle) as cropped:
        top = cropped.convert("RGB").getpixel((240, 10))
        assert (cropped.width, cropped.height) == (480, 270)
        assert top == (255, 0, 0)


class TestBrokenFiles:
    def test_a_corrupt_photo_leaves_the_page_up_without_it(self, sections, client: Client, caplog) -> None:
        article = photo_article(sections)
        image = article.listing_image
        image.renditions.all().delete()
        default_storage.delete(image.file.name)
        default_storage.save(image.file.name, ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 64))
        with caplog.at_level(logging.WARNING, logger="newsdesk.articles.templatetags.photo_tags"):
            page = tree(client, article.url)
        assert page.select("h1.article__title")[0].get_text() == "Harvest photographed"
        assert page.select("figure.article-photo") == []
        assert "a photo was left out" in caplog.text
        # The section's teaser too.
        section = tree(client, sections[("en", "economy")].url)
        assert section.select(".teaser h3")[0].get_text() == "Harvest photographed"
        assert section.select(".teaser img") == []

    def test_a_missing_file_leaves_the_page_up_without_it(self, sections, client: Client) -> None:
        article = photo_article(sections)
        article.listing_image.renditions.all().delete()
        default_storage.delete(article.listing_image.file.name)
        page = tree(client, article.url)
        assert page.select("figure.article-photo") == []
        assert b"not-found" not in client.get(sections[("en", "economy")].url).content


def queued() -> list[Any]:
    results: list[Any] = default_task_backend.results  # type: ignore[attr-defined]  # DummyBackend
    return [r for r in results if r.task.func is photo_renditions_task.func]


class TestBackgroundRenditions:
    def test_saving_an_image_queues_its_renditions_after_the_commit(
        self, settings, django_capture_on_commit_callbacks
    ) -> None:
        settings.TASKS = QUEUED_ONLY
        default_task_backend.clear()  # type: ignore[attr-defined]  # DummyBackend
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            image = photo()
        assert queued() == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert [result.kwargs for result in queued()] == [{"image_id": image.pk}]

    def test_the_task_makes_every_rendition_the_site_shows(self) -> None:
        image = photo()
        assert photo_renditions_task.call(image.pk) == len(ALL_RENDITIONS) == 18
        specs = set(image.renditions.values_list("filter_spec", flat=True))
        assert specs == set(ALL_RENDITIONS) >= set(PHOTO_RENDITIONS)
        formats = {spec.rsplit("-", 1)[1] for spec in specs}
        assert formats == {"avif", "webp", "jpeg"}
        avif = image.renditions.get(filter_spec="fill-800x450-c100|format-avif")
        with avif.file.open("rb") as handle, PILImage.open(handle) as decoded:
            assert decoded.format == "AVIF" and decoded.size == (800, 450)
        # Run again: nothing new.
        assert photo_renditions_task.call(image.pk) == 18
        assert image.renditions.count() == 18

    def test_the_task_skips_a_file_it_cannot_decode(self, caplog) -> None:
        image = photo()
        default_storage.delete(image.file.name)
        default_storage.save(image.file.name, ContentFile(b"\xff\xd8\xff\xe0" + b"\0" * 64))
        with caplog.at_level(logging.WARNING, logger="newsdesk.articles.tasks"):
            assert photo_renditions_task.call(image.pk) == 0
        assert f"renditions of image {image.pk}" in caplog.text
        assert photo_renditions_task.call(image.pk + 1000) == 0  # deleted since


def test_a_page_shows_renditions_made_beforehand_without_making_any(sections, client: Client) -> None:
    """With the task run first (as the worker does after an upload), the first reader's request
    finds every rendition: it makes none."""
    article = photo_article(sections)
    image = article.listing_image
    assert image.renditions.count() == 0  # inside the test's transaction: no task ran yet
    photo_renditions_task.call(image.pk)
    made = set(image.renditions.values_list("pk", flat=True))
    assert client.get(article.url).status_code == 200
    assert client.get(sections[("en", "economy")].url).status_code == 200
    # Only the sharing images (OpenGraph, JSON-LD: the syndication app's specs) are new.
    new = image.renditions.exclude(pk__in=made).values_list("filter_spec", flat=True)
    assert set(new).isdisjoint(ALL_RENDITIONS)
    assert image.renditions.filter(filter_spec__in=ALL_RENDITIONS).count() == len(made) == 18
