from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

PUSH_WEBSUB = "websub"
PUSH_INDEXNOW = "indexnow"
PUSH_KINDS = [(PUSH_WEBSUB, "WebSub"), (PUSH_INDEXNOW, "IndexNow")]


class PushEndpointStatus(models.Model):
    """The last result of pinging one WebSub hub or IndexNow endpoint (one row per endpoint).

    Written by the push task only; the newsroom reads it under Reports (read-only)."""

    endpoint = models.CharField(_("endpoint"), max_length=500, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PUSH_KINDS)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)

    class Meta:
        verbose_name = _("push endpoint status")
        verbose_name_plural = _("push endpoint statuses")
        ordering = ["kind", "endpoint"]

    def __str__(self) -> str:
        return self.endpoint
