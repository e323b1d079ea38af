"""Periodic newsroom jobs run by `manage.py core_scheduler` (see settings.PERIODIC_JOBS)."""

from io import StringIO

from django.core.management import call_command


def publish_scheduled_pages() -> str:
    """Carry out Wagtail's scheduled publishing and expiry (`go_live_at`, `expire_at`)."""
    out = StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()
