"""Partners' photos: downloaded through the hardened fetch, checked, stored as Wagtail images.

Only JPEG, PNG, WebP and AVIF are kept, whatever the server calls them: the bytes must open
and verify in Pillow as one of those formats, within WIRES_IMAGE_MAX_BYTES and
WIRES_IMAGE_MAX_PIXELS (a decompression bomb is refused before it is decoded).
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from .fetch import FetchError, fetch
from .items import WireImage

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg"


class ImageRefused(Exception):
    """The enclosure is not an image we keep; str(e) is the one-line reason."""


@dataclass(frozen=True)
class DownloadedImage:
    content: bytes
    extension: str
    width: int
    height: int
    source: WireImage


def image_download(*, image: WireImage) -> DownloadedImage:
    """Fetch and verify one enclosure, or raise ImageRefused / FetchError."""
    result = fetch(image.url, max_bytes=settings.WIRES_IMAGE_MAX_BYTES, accept=IMAGE_ACCEPT)
    return image_verify(content=result.body, source=image)


def image_verify(*, content: bytes, source: WireImage) -> DownloadedImage:
    if len(content) > settings.WIRES_IMAGE_MAX_BYTES:
        raise ImageRefused(f"image larger than {settings.WIRES_IMAGE_MAX_BYTES} bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(content)) as probe:
                kind = probe.format or ""
                width, height = probe.size
                if kind not in ALLOWED_FORMATS:
                    raise ImageRefused(f"image format {kind or 'unknown'} is not allowed")
                if width * height > settings.WIRES_IMAGE_MAX_PIXELS:
                    raise ImageRefused(f"image of {width}x{height} pixels is too large")
                probe.verify()
    except ImageRefused:
        raise
    except Exception as exc:  # Pillow raises many kinds for broken or hostile files
        raise ImageRefused(f"not a readable image: {type(exc).__name__}") from exc
    return DownloadedImage(
        content=content, extension=ALLOWED_FORMATS[kind], width=width, height=height, source=source
    )


def images_download(*, images: tuple[WireImage, ...]) -> tuple[list[DownloadedImage], list[str]]:
    """The item's first WIRES_IMAGES_PER_ITEM images that pass; one line per refused one."""
    kept: list[DownloadedImage] = []
    problems: list[str] = []
    for image in images[: settings.WIRES_IMAGES_PER_ITEM]:
        try:
            kept.append(image_download(image=image))
        except (FetchError, ImageRefused) as exc:
            problems.append(f"image {image.url[:200]}: {exc}")
    return kept, problems


def image_store(*, image: DownloadedImage, title: str) -> AbstractImage:
    """A Wagtail image of the downloaded file (call inside the item's transaction)."""
    digest = hashlib.sha256(image.content).hexdigest()
    name = f"wire-{digest[:16]}.{image.extension}"
    model = get_image_model()
    # Wagtail reads `description` as the image's default alt text: the caption belongs there, not
    # the credit ("Kazinform" is no description of a photo); credits are on the article's fields.
    caption = image.source.caption.strip()
    stored = model(title=(caption or title)[:255] or name, description=caption[:255])
    stored.file = ImageFile(io.BytesIO(image.content), name=name)
    stored.save()
    return stored
