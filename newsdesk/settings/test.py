"""Settings for the test suite: the same stack, fast hashing, tasks run in-process."""

import os

from .base import *  # noqa: F403
from .base import CACHES, env

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not env.str("REDIS_URL", default=""):
    # Each test run gets private caches; the scale-path run keeps real Redis.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "d"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"},
    }
else:
    # Real Redis, with keys private to this test process (parallel runs share the server).
    for _alias in CACHES.values():
        _alias["KEY_PREFIX"] = f"test{os.getpid()}-" + _alias["KEY_PREFIX"]
ALLOWED_HOSTS = ["*"]
# Tests run from a fresh clone without collectstatic: serve from the finders.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
