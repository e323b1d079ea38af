"""Laptop settings used by `make run`: production-like serving, a key generated per clone.

`make run` names these settings explicitly; a web server started without
DJANGO_SETTINGS_MODULE gets the production settings, which refuse to start without a key.
"""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, VAR_DIR, env
from .secret_key import secret_key_load_or_create

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or secret_key_load_or_create(
    # A relative path (as in .env.example) is read from the project's directory.
    BASE_DIR / Path(env.str("DJANGO_SECRET_KEY_FILE", default=str(VAR_DIR / "secret_key")))
)
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
