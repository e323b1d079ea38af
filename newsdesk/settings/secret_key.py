"""The secret key of a laptop (`make run`): generated once per clone, kept in var/secret_key.

Not a settings module. The key also keys readers' hashes, so a key known to anyone (one
written in the repository) would let them link readers' visits; a generated key is known to
this machine only. Production never gets here: it must set DJANGO_SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Keys that were ever written down (in this repository or Django's project template): the
# production settings refuse them.
KNOWN_KEYS = frozenset({"dev-only-insecure-key-do-not-deploy", "test-only-key"})
KNOWN_KEY_PREFIX = "django-insecure-"


def secret_key_is_known(key: str) -> bool:
    return key in KNOWN_KEYS or key.startswith(KNOWN_KEY_PREFIX)


def secret_key_load_or_create(path: Path) -> str:
    """The key stored at `path`, created (mode 0600) on first use.

    `make run` starts several processes at once on a fresh clone: each writes its own
    candidate to a private file and hard-links it into place, which succeeds for one of
    them only; the others read the winner's key. Nobody ever reads a half-written file.
    """
    key = _read(path)
    if key is not None:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50) + "\n")
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass  # another process was first: its key is the key
    finally:
        candidate.unlink()
    key = _read(path)
    if key is None:
        raise ImproperlyConfigured(f"{path} is empty: delete it to have a new key generated")
    return key


def _read(path: Path) -> str | None:
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    return key or None
