"""Media storage chosen by the environment (docs/deploy.md): S3-compatible storage when a bucket
is named, the local folder otherwise. The settings are loaded in a fresh interpreter, as a
web process would load them; building a URL makes no network call.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
import re
import django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
storage = default_storage
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "class": f"{type(storage._wrapped if hasattr(storage, '_wrapped') else storage).__module__}",
    "endpoint_url": getattr(storage, "endpoint_url", None),
    "region_name": getattr(storage, "region_name", None),
    "access_key": getattr(storage, "access_key", None),
    "custom_domain": getattr(storage, "custom_domain", None),
    "querystring_auth": getattr(storage, "querystring_auth", None),
    "url": storage.url("original_images/photo.jpg"),
    "media_url": settings.MEDIA_URL,
}))
"""


def settings_probe(tmp_path: Path, **variables: str) -> dict[str, object]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings.dev",
        DJANGO_SECRET_KEY="deploy-settings-test-" + "x" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_DIR=str(tmp_path / "cache"),
        PAGE_CACHE_DIR=str(tmp_path / "pages"),
        **variables,
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_bucket_in_the_environment_puts_media_on_s3(tmp_path: Path) -> None:
    found = settings_probe(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="newsdesk-media",
        AWS_S3_ENDPOINT_URL="https://storage.example.net",
        AWS_S3_REGION_NAME="kz-ala-1",
        AWS_S3_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_S3_SECRET_ACCESS_KEY="secret-example",
        AWS_S3_CUSTOM_DOMAIN="media.example.kz",
        AWS_QUERYSTRING_AUTH="false",
    )
    assert found["backend"] == "storages.backends.s3.S3Storage"
    assert found["class"] == "storages.backends.s3"
    assert found["endpoint_url"] == "https://storage.example.net"
    assert found["region_name"] == "kz-ala-1"
    assert found["access_key"] == "AKIDEXAMPLE"
    assert found["custom_domain"] == "media.example.kz"
    assert found["querystring_auth"] is False
    assert found["url"] == "https://media.example.kz/media/original_images/photo.jpg"
    assert found["media_url"] == "https://media.example.kz/media/"


def test_a_private_bucket_gets_signed_urls(tmp_path: Path) -> None:
    found = settings_probe(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="newsdesk-private",
        AWS_S3_ENDPOINT_URL="https://storage.example.net",
        AWS_S3_REGION_NAME="kz-ala-1",
        AWS_S3_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_S3_SECRET_ACCESS_KEY="secret-example",
        AWS_QUERYSTRING_AUTH="true",
    )
    assert found["querystring_auth"] is True
    url = str(found["url"])
    assert url.startswith("https://storage.example.net/newsdesk-private/media/original_images/photo.jpg?")
    assert "Signature" in url or "X-Amz-Signature" in url
    assert found["media_url"] == "https://storage.example.net/newsdesk-private/media/"


def test_without_a_bucket_media_stay_on_the_local_disk(tmp_path: Path) -> None:
    found = settings_probe(tmp_path)
    assert found["backend"] == "django.core.files.storage.FileSystemStorage"
    assert found["url"] == "/media/original_images/photo.jpg"


# `env.str("NAME"`, `env.int("NAME"`, `env("NAME"`, `os.environ.get("NAME"`, `os.environ["NAME"]`.
READ_FROM_ENV = re.compile(r'''(?:\benv(?:\.\w+)?\(\s*|os\.environ(?:\.get\(|\[)\s*)"([A-Z][A-Z0-9_]+)"''')
LISTED = re.compile(r"^#? ?([A-Z][A-Z0-9_]+)=", re.M)


def test_env_example_lists_every_variable_the_settings_read() -> None:
    sources = [*sorted((ROOT / "newsdesk" / "settings").glob("*.py")), ROOT / "gunicorn.conf.py"]
    read = {name for path in sources for name in READ_FROM_ENV.findall(path.read_text())}
    listed = set(LISTED.findall((ROOT / ".env.example").read_text()))
    assert {"DATABASE_URL", "AWS_STORAGE_BUCKET_NAME", "WEB_CONCURRENCY"} <= read
    assert sorted(read - listed) == [], "variables missing from .env.example"
