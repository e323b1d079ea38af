"""When each background process last showed it was alive (docs/operations.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """One row per process role: "scheduler", "worker:default", "worker:bulk".

    The scheduler stamps its own row on every tick and enqueues a tiny task per queue whose
    run stamps the worker's row, so a fresh worker heartbeat also proves the queue drains.
    """

    name = models.CharField(_("process"), max_length=64, primary_key=True)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name}: {self.beat_at.isoformat()}"
