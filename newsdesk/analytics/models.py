"""Counted views: one row per article per Almaty day, the article's running total, and the
little state that keeps counting exact (readers seen recently, applied Redis batches). The
daily salt of readers' hashes lives in core (newsdesk/core/readers.py). See docs/analytics.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleDailyViews(models.Model):
    """Views of one article on one Almaty day (Wagtail's `QueryDailyHits`, for articles)."""

    article = models.ForeignKey(
        "articles.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="daily_views",
    )
    # Copied from the article (whose locale never changes) so that "most viewed in an
    # edition" reads one index range instead of joining every bucket to its page.
    edition = models.ForeignKey(
        "wagtailcore.Locale", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day (Almaty time)"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="analytics_daily_article_day"),
        ]
        indexes = [
            models.Index(fields=["edition", "day", "article"], name="analytics_daily_window"),
            models.Index(fields=["day"], name="analytics_daily_day"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.views}"


class ArticleViewTotal(models.Model):
    """Every view counted here for an article, kept when old daily rows are pruned.

    What readers see is the article's `initial_view_count` (views it had before it came to
    Newsdesk) plus this.
    """

    article = models.OneToOneField(
        "articles.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="view_total",
    )
    views = models.PositiveBigIntegerField(_("views counted"), default=0)

    class Meta:
        verbose_name = _("view total")
        verbose_name_plural = _("view totals")

    def __str__(self) -> str:
        return f"{self.article_id}: {self.views}"


class ReaderSeen(models.Model):
    """A reader (salted hash, never an IP) counted for an article until `expires_at`.

    The database backend's memory of recent views: a re-read before `expires_at` is not
    counted again, and a reader's live rows cap how many views they can add per window.
    """

    reader = models.CharField(_("reader hash"), max_length=64)
    article = models.ForeignKey(
        "articles.ArticlePage", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("reader seen")
        verbose_name_plural = _("readers seen")
        constraints = [
            models.UniqueConstraint(fields=["reader", "article"], name="analytics_seen_reader_article"),
        ]
        # The reader cap counts a reader's rows through the unique index (reader first);
        # every extra index is one more page written by every beacon.
        indexes = [models.Index(fields=["expires_at"], name="analytics_seen_expires")]

    def __str__(self) -> str:
        return f"{self.reader[:8]}… {self.article_id}"


class FlushedBatch(models.Model):
    """A batch of Redis counts already applied to the tables above.

    Written in the same transaction as the batch's counts, so a flusher killed after that
    commit and before deleting the Redis key skips the batch on its next run instead of
    counting it twice (shared/PITFALLS.md, item 4).
    """

    batch_id = models.CharField(_("batch id"), max_length=64, unique=True)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True, db_index=True)
    views = models.PositiveBigIntegerField(_("views in the batch"), default=0)

    class Meta:
        verbose_name = _("applied Redis batch")
        verbose_name_plural = _("applied Redis batches")

    def __str__(self) -> str:
        return self.batch_id


class NetworkWindow(models.Model):
    """New readers of one article from one network (salted digest) in one short window.

    The database counter's burst detector: past ANALYTICS_NETWORK_BURST_READERS new readers
    in a window, further new readers from that network are not counted (docs/analytics.md).
    Rows are deleted by the flush job once their window is over.
    """

    network = models.CharField(_("network digest"), max_length=16)
    article = models.ForeignKey(
        "articles.ArticlePage", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    window_start = models.BigIntegerField(_("window start (Unix time)"))
    readers = models.PositiveIntegerField(_("new readers"), default=0)

    class Meta:
        verbose_name = _("network window")
        verbose_name_plural = _("network windows")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "article", "window_start"], name="analytics_window_network_article"
            ),
        ]
        indexes = [models.Index(fields=["window_start"], name="analytics_window_start")]

    def __str__(self) -> str:
        return f"{self.network} {self.article_id} @{self.window_start}: {self.readers}"


class NetworkBurstFlag(models.Model):
    """Views of an article refused on one Almaty day because one network sent too many new
    readers at once: suspected inflation, listed for editors. Names the network by its
    salted digest, never an address; the digest means nothing once the day's salt is gone."""

    article = models.ForeignKey(
        "articles.ArticlePage", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    edition = models.ForeignKey(
        "wagtailcore.Locale", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="+"
    )
    network = models.CharField(_("network digest"), max_length=16)
    day = models.DateField(_("day (Almaty time)"))
    refused = models.PositiveIntegerField(_("views refused"), default=0)

    class Meta:
        verbose_name = _("suspected view inflation")
        verbose_name_plural = _("suspected view inflation")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "network", "day"], name="analytics_burst_article_network_day"
            ),
        ]
        indexes = [models.Index(fields=["edition", "day"], name="analytics_burst_edition_day")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.network} {self.day}: {self.refused} refused"
