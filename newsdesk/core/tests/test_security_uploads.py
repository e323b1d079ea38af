"""Uploads limited in size and type, SVG refused (issue 12, security), through the admin's own
upload views: each refusal is a clear form error and nothing is stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload_image(client: Client, name: str, content: bytes, content_type: str = "image/png"):
    return client.post(
        "/admin/images/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def upload_document(client: Client, name: str, content: bytes):
    return client.post(
        "/admin/documents/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def stored_files(folder: str) -> set[str]:
    try:
        return set(default_storage.listdir(folder)[1])
    except FileNotFoundError:
        return set()


def file_errors(response) -> list[tuple[str, str]]:
    """(code, message) of each error on the form's file field."""
    assert response.status_code == 200  # the form again, not a redirect to the listing
    return [
        (error.code, " ".join(error.messages)) for error in response.context["form"].errors.as_data()["file"]
    ]


@pytest.fixture
def nothing_stored():
    """Asserts, after the test, that no image or document row or file was added."""
    before = {folder: stored_files(folder) for folder in ("original_images", "documents")}
    yield
    assert get_image_model().objects.count() == 0
    assert get_document_model().objects.count() == 0
    assert {folder: stored_files(folder) for folder in before} == before


class TestImages:
    def test_a_png_within_the_limits_is_accepted(self, admin_client: Client) -> None:
        response = upload_image(admin_client, "chart.png", png(40, 30))
        assert response.status_code == 302
        assert get_image_model().objects.count() == 1

    @pytest.mark.usefixtures("nothing_stored")
    def test_svg_is_refused(self, admin_client: Client) -> None:
        [(code, message)] = file_errors(upload_image(admin_client, "logo.svg", SVG, "image/svg+xml"))
        assert code == "invalid_image_extension"
        assert "JPG, JPEG, PNG, WEBP, AVIF" in message

    @pytest.mark.usefixtures("nothing_stored")
    def test_other_formats_are_refused(self, admin_client: Client) -> None:
        gif = io.BytesIO()
        PILImage.new("RGB", (4, 4)).save(gif, format="GIF")
        [(code, _)] = file_errors(upload_image(admin_client, "anim.gif", gif.getvalue(), "image/gif"))
        assert code == "invalid_image_extension"

    @pytest.mark.usefixtures("nothing_stored")
    def test_a_text_file_named_jpg_is_refused(self, admin_client: Client) -> None:
        content = b"not an image at all\n" * 50
        [(code, _)] = file_errors(upload_image(admin_client, "photo.jpg", content, "image/jpeg"))
        assert code == "invalid_image"

    @pytest.mark.usefixtures("nothing_stored")
    def test_a_png_named_jpg_is_refused(self, admin_client: Client) -> None:
        [(code, _)] = file_errors(upload_image(admin_client, "photo.jpg", png(4, 4), "image/jpeg"))
        assert code == "invalid_image_known_format"

    @pytest.mark.usefixtures("nothing_stored")
    def test_a_file_too_big_is_refused(self, admin_client: Client, settings) -> None:
        content = png(40, 30)
        settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = len(content) - 1
        [(code, message)] = file_errors(upload_image(admin_client, "big.png", content))
        assert code == "file_too_large"
        assert filesizeformat(len(content) - 1) in message

    @pytest.mark.usefixtures("nothing_stored")
    def test_a_small_file_of_too_many_pixels_is_refused(self, admin_client: Client, settings) -> None:
        # 7,000 x 7,000 one-bit pixels: a few kilobytes, 49 million pixels (the limit is 40).
        content = png(7_000, 7_000, mode="1")
        assert len(content) < 100_000
        assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000
        [(code, message)] = file_errors(upload_image(admin_client, "bomb.png", content))
        assert code == "file_too_many_pixels"
        assert "49000000" in message and "40000000" in message


class TestDocuments:
    def test_a_pdf_is_accepted(self, admin_client: Client) -> None:
        response = upload_document(admin_client, "report.pdf", b"%PDF-1.4\n%%EOF\n")
        assert response.status_code == 302
        assert get_document_model().objects.count() == 1

    @pytest.mark.usefixtures("nothing_stored")
    @pytest.mark.parametrize("name", ["page.html", "logo.svg", "run.exe"])
    def test_other_types_are_refused(self, admin_client: Client, name: str, settings) -> None:
        [(_, message)] = file_errors(upload_document(admin_client, name, b"<script>alert(1)</script>"))
        # Wagtail re-raises the model's extension error without its code: its message names the list.
        assert ", ".join(settings.WAGTAILDOCS_EXTENSIONS) in message

    @pytest.mark.usefixtures("nothing_stored")
    def test_a_document_too_big_is_refused(self, admin_client: Client, settings) -> None:
        content = b"%PDF-1.4\n" + b"0" * 2_000
        settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1_000
        # The first error says why; Wagtail then also finds no extension on the dropped file.
        (code, message), *_ = file_errors(upload_document(admin_client, "huge.pdf", content))
        assert code == "file_too_large"
        assert filesizeformat(1_000) in message

    def test_the_limits_are_set(self, settings) -> None:
        assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 20 * 1024 * 1024
        assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
        assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
