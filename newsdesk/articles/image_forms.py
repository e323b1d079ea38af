"""Wagtail's image form for uploads (WAGTAILIMAGES_IMAGE_FORM_BASE): the file must decode
(issue 14), or the newsroom is told at once rather than a page failing later."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .photos import IMAGE_ERRORS

IMAGE_UNREADABLE = _(
    "This file could not be read as an image (%(reason)s). Save it again as JPEG, PNG, WebP or AVIF and upload it."
)


def image_file_check(file: UploadedFile, *, max_pixels: int | None) -> None:
    """Decode the whole file, as a rendition will: Wagtail's own checks read only the header,
    so a truncated or corrupt file would pass them and fail when a page first shows it.
    A file over the pixel limit is not decoded (Wagtail's check refuses it next)."""
    position = file.tell()
    try:
        file.seek(0)
        try:
            opened = PILImage.open(file)
        except PILImage.UnidentifiedImageError:
            return  # not an image at all: Django's own check refuses it ("invalid_image")
        with opened as image:
            if max_pixels is not None and image.width * image.height > max_pixels:
                return
            image.load()
    except IMAGE_ERRORS as exc:
        raise ValidationError(
            IMAGE_UNREADABLE, code="unreadable", params={"reason": str(exc) or type(exc).__name__}
        ) from exc
    finally:
        file.seek(position)


class DecodedImageField(WagtailImageField):
    """Wagtail's upload field, decoding the file first: Wagtail's own checks open it with
    Willow, which raises (an admin 500) on a truncated JPEG instead of refusing it."""

    def to_python(self, data: Any) -> Any:
        if isinstance(data, UploadedFile) and self._checks_pass_before_decoding(data):
            image_file_check(data, max_pixels=self.max_image_pixels)
        return super().to_python(data)

    def _checks_pass_before_decoding(self, data: UploadedFile) -> bool:
        """Wrong extension or too large: Wagtail's own error says so, nothing is decoded."""
        extension = (data.name or "").rsplit(".", 1)[-1].lower()
        size_ok = self.max_upload_size is None or (data.size or 0) <= self.max_upload_size
        return extension in self.allowed_image_extensions and size_ok


class ImageForm(BaseImageForm):
    """Wagtail's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): single and multiple upload."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        file = self.fields.get("file")
        if isinstance(file, WagtailImageField):
            # The field Wagtail built, with its limits and widget, plus the decoding check.
            file.__class__ = DecodedImageField
