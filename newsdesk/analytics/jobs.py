"""Periodic job run by `manage.py core_scheduler` (listed in settings.PERIODIC_JOBS)."""

from .services import views_flush


def views_flush_job() -> str:
    """Flush Redis counts into the database and forget expired reader state."""
    return str(views_flush())
