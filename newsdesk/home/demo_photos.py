"""The demo's photographs (issue 14): real, freely licensed, shipped in the repository.

`demo_content/photos.json` lists each file with its credit, licence and origin, and its alt
text and caption in the three editions' languages; docs/photos.md has the same credits. An
image is matched by its file's hash, so a second `home_load_demo` adds nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.utils.file import hash_filelike

DEMO_PHOTOS = Path(__file__).resolve().parent / "demo_content" / "photos.json"
PHOTO_KEYS = ("key", "file", "title", "credit", "licence", "alt", "caption")


@dataclass(frozen=True)
class DemoPhoto:
    image: AbstractImage
    credit: str
    alt: dict[str, str]
    caption: dict[str, str]

    def lead_fields(self, code: str) -> dict[str, Any]:
        """An ArticlePage's lead photo fields in edition `code`."""
        return {
            "listing_image": self.image,
            "listing_image_alt": self.alt[code],
            "listing_image_caption": self.caption[code],
            "listing_image_credit": self.credit,
        }

    def gallery_item(self, code: str) -> dict[str, Any]:
        return {
            "image": self.image,
            "alt": self.alt[code],
            "caption": self.caption[code],
            "credit": self.credit,
        }


def demo_photos_read(*, path: Path = DEMO_PHOTOS) -> list[dict[str, Any]]:
    """The manifest, checked before anything is written (ValueError if bad)."""
    try:
        photos = json.loads(path.read_text(encoding="utf-8"))["photos"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    for number, photo in enumerate(photos, start=1):
        missing = [key for key in PHOTO_KEYS if key not in photo]
        if missing:
            raise ValueError(f"photo {number}: missing {', '.join(missing)}")
        if not (path.parent / "photos" / photo["file"]).is_file():
            raise ValueError(f"photo {number}: no file photos/{photo['file']}")
    return photos


def _image_ensure(photo: dict[str, Any], *, folder: Path) -> AbstractImage:
    model = get_image_model()
    with (folder / photo["file"]).open("rb") as handle:
        digest = hash_filelike(handle)
        existing = model.objects.filter(file_hash=digest).first()
        if existing is not None:
            return existing
        handle.seek(0)
        image = model(title=photo["title"][:255], description=photo["alt"]["en"][:255])
        image.file = ImageFile(handle, name=photo["file"])
        image._set_image_file_metadata()
        focal = photo.get("focal_point")
        if focal:
            image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height = (
                focal
            )
        image.save()
    return image


def demo_photos_ensure(*, path: Path = DEMO_PHOTOS) -> dict[str, DemoPhoto]:
    """{key: DemoPhoto}, each image created the first time only."""
    folder = path.parent / "photos"
    return {
        photo["key"]: DemoPhoto(
            image=_image_ensure(photo, folder=folder),
            credit=photo["credit"],
            alt=photo["alt"],
            caption=photo["caption"],
        )
        for photo in demo_photos_read(path=path)
    }
