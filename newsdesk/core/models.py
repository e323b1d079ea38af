"""Shared state every app relies on. See newsdesk/core/readers.py for DailySalt's use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailySalt(models.Model):
    """The secret mixed into readers' hashes for one Almaty day; deleted once the day is over,
    after which that day's hashes cannot be linked to anyone (as Plausible does)."""

    day = models.DateField(_("day (Almaty time)"), unique=True)
    salt = models.CharField(_("salt"), max_length=64)

    class Meta:
        verbose_name = _("daily salt")
        verbose_name_plural = _("daily salts")

    def __str__(self) -> str:
        return str(self.day)


class RateLimitCount(models.Model):
    """Hits on one key in one fixed window: the database store of core.ratelimit.

    One row per (key, window), incremented with an atomic UPDATE; rows are pruned once their
    window is over (`expires_at`), by the `rate_limits_prune` periodic job.
    """

    key = models.CharField(_("key"), max_length=200)
    window = models.CharField(_("window"), max_length=40)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate limit count")
        verbose_name_plural = _("rate limit counts")
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="core_ratelimit_one_row_per_window"),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window}: {self.count}"
