"""Settings of the processes started by test_backup_roundtrip.py: the test settings, with
media files on disk (MEDIA_ROOT from the environment) so that two instances have their own."""

from newsdesk.settings.test import *  # noqa: F403
from newsdesk.settings.test import STORAGES

STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
