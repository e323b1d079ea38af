"""Periodic jobs of the corrections app (listed in settings.PERIODIC_JOBS)."""

from .digests import error_report_digests_send as _digests_send


def error_report_digests_send() -> str:
    """E-mail each edition's editors a digest of new error reports (batched)."""
    return str(_digests_send())
