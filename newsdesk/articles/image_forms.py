"""Wagtail's image form for uploads (WAGTAILIMAGES_IMAGE_FORM_BASE): the file must decode
(issue 14), or the newsroom is told at once rather than a page failing later."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images.forms import BaseImageForm

from .photos import IMAGE_ERRORS

IMAGE_UNREADABLE = _(
    "This file could not be read as an image (%(reason)s). Save it again as JPEG, PNG, WebP or AVIF and upload it."
)


def image_file_check(file: UploadedFile) -> None:
    """Decode the whole file, as a rendition will: Wagtail's own checks read only the header,
    so a truncated or corrupt file would pass them and fail when a page first shows it."""
    position = file.tell()
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            image.load()
    except IMAGE_ERRORS as exc:
        raise ValidationError(
            IMAGE_UNREADABLE, code="unreadable", params={"reason": str(exc) or type(exc).__name__}
        ) from exc
    finally:
        file.seek(position)


class ImageForm(BaseImageForm):
    """Wagtail's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): single and multiple upload."""

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            image_file_check(file)
        return file
