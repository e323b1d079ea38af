"""The manifest a backup ends with: written last, so a directory without one is unfinished."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol

MANIFEST_NAME = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator."""


@dataclass(frozen=True)
class MediaFile:
    name: str  # the storage's name, "/"-separated: original_images/x.jpg
    bytes: int
    sha256: str


@dataclass
class Manifest:
    engine: str  # "sqlite" or "postgresql"
    database_file: str
    database_sha256: str
    created_at: str
    tables: dict[str, int]  # rows per table, counted in the backed-up snapshot
    media: list[MediaFile] = field(default_factory=list)
    media_vanished: list[str] = field(default_factory=list)  # deleted while being copied
    views_flushed: str = ""
    format: int = FORMAT

    def write(self, directory: Path) -> None:
        data = asdict(self)
        partial = directory / f".{MANIFEST_NAME}.partial"
        partial.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, directory / MANIFEST_NAME)

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST_NAME
        if not path.is_file():
            raise BackupError(f"{directory} holds no {MANIFEST_NAME}: not a backup, or an unfinished one")
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise BackupError(f"{path}: unknown format {data.get('format')!r} (expected {FORMAT})")
            data["media"] = [MediaFile(**entry) for entry in data.get("media", [])]
            manifest = cls(**data)
        except (ValueError, TypeError) as exc:
            raise BackupError(f"{path} is not a readable manifest: {exc}") from exc
        for entry in manifest.media:
            media_name_check(entry.name)
        return manifest


def media_name_check(name: str) -> None:
    """Refuse a name that would land outside the media directory (a tampered manifest)."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise BackupError(f"unsafe media file name in manifest: {name!r}")


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def sha256_copy(source: Readable, target: BinaryIO | None = None) -> tuple[int, str]:
    """Read `source` to the end (copying into `target` if given): its size and SHA-256."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return size, digest.hexdigest()


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_copy(handle)[1]
