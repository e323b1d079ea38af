"""The renditions a photo is shown in, made in the background when it is uploaded (issue 14).

The templates name the same specs in their `{% picture %}` tags (a template tag takes literal
filter specs); `tests/test_photos.py` checks that the two lists agree. docs/photos.md says why
these sizes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from PIL import Image as PILImage
from wagtail.images.models import Filter

if TYPE_CHECKING:
    from wagtail.images.models import AbstractImage

logger = logging.getLogger(__name__)

# What decoding a bad file raises: Pillow's OSError (truncated, unidentified), SyntaxError and
# ValueError from some plugins, DecompressionBombError; Willow's IOError, ValueError and
# LookupError (no operation for this format).
IMAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    SyntaxError,
    LookupError,
    PILImage.DecompressionBombError,
)

FORMATS = "format-{avif,webp,jpeg}"
# Teasers (home, section, tag pages), the front page's lead teaser included: 16:9 crops around
# the focal point.
TEASER_SPECS = ("fill-{320x180,480x270,800x450}-c100", FORMATS)
# Relevant news and most viewed (beside the article): small squares.
THUMB_SPECS = ("fill-{80x80,160x160}-c100", FORMATS)
# An article's lead photo, its body photos and gallery slides: 16:9, phone to desktop
# (the article column is at most 760 CSS px wide: 1200 covers it at 1.5x).
PHOTO_SPECS = ("fill-{480x270,800x450,1200x675}-c100", FORMATS)


def specs_expand(specs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(Filter.expand_spec(list(specs)))


# Every listing's photos (teasers and squares), prefetched by articles.models.for_listing.
TEASER_RENDITIONS = specs_expand(TEASER_SPECS) + specs_expand(THUMB_SPECS)
PHOTO_RENDITIONS = specs_expand(PHOTO_SPECS)
# Everything the site may ask of one image, each spec once.
ALL_RENDITIONS = tuple(dict.fromkeys(TEASER_RENDITIONS + PHOTO_RENDITIONS))


def photo_renditions_generate(*, image: AbstractImage) -> int:
    """Make every rendition the site shows of `image` (those that exist are kept): the first
    reader of a page then finds them made. Returns how many the image has now."""
    return len(image.get_renditions(*ALL_RENDITIONS))


def image_renditions(image: AbstractImage, *specs: str) -> dict[str, Any] | None:
    """`image.get_renditions(*specs)`, or None (logged) when the image's file is missing or
    cannot be decoded: a caller leaves the image out rather than fail a reader's page."""
    try:
        return image.get_renditions(*specs)
    except IMAGE_ERRORS as exc:  # Wagtail's SourceImageIOError (file missing) is an OSError
        logger.warning("image %s (%s) left out: %s", image.pk, image.file.name, exc)
        return None


def photo_renditions_enqueue_on_commit(*, image_id: int) -> None:
    """Queue the renditions of an image once the transaction that saved it commits (the worker
    must see the row and its file)."""
    from .tasks import photo_renditions_task

    transaction.on_commit(lambda: photo_renditions_task.enqueue(image_id=image_id))
