"""operations_backup / operations_restore in this process: what a backup holds, and every way
a restore refuses before it writes anything. The full round trip is test_backup_roundtrip.py."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from django.core.files.images import ImageFile
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.images.models import Image

from newsdesk.operations.tests.roundtrip import collection_root_ensure, png

# Committed data, as when the command runs on its own: the SQLite copy is a reader, and
# a transaction of the test's own would hold the lock it waits for.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def image(homes) -> Image:
    collection_root_ensure()  # a transactional test before this one flushed it
    return Image.objects.create(title="Rally", file=ImageFile(io.BytesIO(png("rally")), name="rally.png"))


def backup(directory: Path) -> str:
    out = io.StringIO()
    call_command("operations_backup", str(directory), stdout=out)
    return out.getvalue()


def test_backup_holds_the_database_media_and_a_manifest(tmp_path, image):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL backup is test_backup_roundtrip's pg_dump test")
    output = backup(tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert output.startswith(f"Backed up into {tmp_path / 'b'}: sqlite database")
    assert manifest["engine"] == "sqlite" and manifest["format"] == 1
    assert manifest["tables"]["wagtailimages_image"] == Image.objects.count() == 1
    # The tests' in-memory storage is shared by the whole run: other tests' files are there too.
    entry = {
        "name": image.file.name,
        "bytes": len(png("rally")),
        "sha256": hashlib.sha256(png("rally")).hexdigest(),
    }
    assert entry in manifest["media"]
    assert len(manifest["media"]) == len({m["name"] for m in manifest["media"]})
    assert (tmp_path / "b" / "media" / image.file.name).read_bytes() == png("rally")
    copy = sqlite3.connect(tmp_path / "b" / "database.sqlite3")
    assert copy.execute("SELECT title FROM wagtailimages_image").fetchall() == [("Rally",)]
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    copy.close()
    database = (tmp_path / "b" / "database.sqlite3").read_bytes()
    assert manifest["database_sha256"] == hashlib.sha256(database).hexdigest()


def test_backup_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("yesterday's backup")
    with pytest.raises(CommandError, match=r"^backup failed: .* is not empty: back up into a new directory$"):
        backup(tmp_path)


def test_restore_refuses_a_directory_without_manifest(tmp_path):
    with pytest.raises(CommandError, match="holds no manifest.json: not a backup, or an unfinished one"):
        call_command("operations_restore", str(tmp_path))


def test_restore_refuses_a_media_file_that_changed(tmp_path, image):
    if connection.vendor != "sqlite":
        pytest.skip("needs a SQLite backup")
    backup(tmp_path / "b")
    (tmp_path / "b" / "media" / image.file.name).write_bytes(b"not the picture")
    with pytest.raises(CommandError, match="differs from the manifest's checksum"):
        call_command("operations_restore", str(tmp_path / "b"))


def test_restore_refuses_a_database_file_that_changed(tmp_path, image):
    if connection.vendor != "sqlite":
        pytest.skip("needs a SQLite backup")
    backup(tmp_path / "b")
    with (tmp_path / "b" / "database.sqlite3").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(CommandError, match=r"database\.sqlite3 is missing or differs"):
        call_command("operations_restore", str(tmp_path / "b"))


def test_restore_refuses_a_manifest_naming_files_outside_media(tmp_path, image):
    if connection.vendor != "sqlite":
        pytest.skip("needs a SQLite backup")
    backup(tmp_path / "b")
    manifest_path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["media"][0]["name"] = "../../etc/cron.d/x"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="unsafe media file name in manifest"):
        call_command("operations_restore", str(tmp_path / "b"))


def test_restore_refuses_a_backup_of_another_engine(tmp_path, image):
    if connection.vendor != "sqlite":
        pytest.skip("needs a SQLite backup")
    backup(tmp_path / "b")
    manifest_path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["engine"] = "postgresql"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="this is a postgresql backup; the configured database is sqlite"):
        call_command("operations_restore", str(tmp_path / "b"))
