"""Media files (images, renditions, documents) through Django's storage API: the local
folder by default, and any other storage (S3) that can list its files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage

from .manifest import BackupError, MediaFile, sha256_copy, sha256_file

MEDIA_DIR = "media"


def media_names(storage: Storage, prefix: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return  # the media folder is made by the first upload
    except NotImplementedError as exc:
        raise BackupError(
            f"{type(storage).__name__} cannot list its files: back up media another way"
        ) from exc
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(directories):
        yield from media_names(storage, f"{prefix}{directory}/")


def media_backup(storage: Storage, directory: Path) -> tuple[list[MediaFile], list[str]]:
    """Copy every file into `directory`/media; the names deleted meanwhile are returned apart."""
    copied, vanished = [], []
    for name in media_names(storage):
        target = directory / MEDIA_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source, target.open("wb") as handle:
                size, digest = sha256_copy(source, handle)
        except FileNotFoundError:
            target.unlink(missing_ok=True)
            vanished.append(name)
            continue
        copied.append(MediaFile(name=name, bytes=size, sha256=digest))
    return copied, vanished


def media_is_empty(storage: Storage) -> bool:
    return next(media_names(storage), None) is None


def media_verify(directory: Path, files: list[MediaFile]) -> None:
    for entry in files:
        source = directory / MEDIA_DIR / entry.name
        if not source.is_file() or sha256_file(source) != entry.sha256:
            raise BackupError(f"{source} is missing or differs from the manifest's checksum")


def media_restore(storage: Storage, directory: Path, files: list[MediaFile]) -> int:
    """Put each file back under its own name (checked by `media_verify` beforehand)."""
    restored = 0
    for entry in files:
        source = directory / MEDIA_DIR / entry.name
        if storage.exists(entry.name):
            storage.delete(entry.name)
        with source.open("rb") as handle:
            saved = storage.save(entry.name, File(handle, name=entry.name))
        if saved != entry.name:
            raise BackupError(f"the storage saved {entry.name} as {saved}")
        restored += 1
    return restored
