"""Settings for the test suite: the same stack, fast hashing, tasks run in-process."""

import os

from .base import *  # noqa: F403
from .base import CACHES, TASK_QUEUES, env

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not env.str("REDIS_URL", default=""):
    # Each test run gets private caches; the scale-path run keeps real Redis.
    # Sized (Django's default is 300), the page cache small enough that a flood test which
    # made entries would evict the article it protects (core/tests/test_page_cache.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "d",
            "OPTIONS": {"MAX_ENTRIES": 10_000, "CULL_FREQUENCY": 10},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "p",
            "OPTIONS": {"MAX_ENTRIES": 1_000, "CULL_FREQUENCY": 10},
        },
    }
else:
    # Real Redis, with keys private to this test process (parallel runs share the server).
    for _alias in CACHES.values():
        _alias["KEY_PREFIX"] = f"test{os.getpid()}-" + _alias["KEY_PREFIX"]
    RATE_LIMIT_REDIS_PREFIX = f"test{os.getpid()}-nd:rl"
ALLOWED_HOSTS = ["*"]
# Tests run from a fresh clone without collectstatic: serve from the finders.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
