"""Readers' error reports, the editors' queue they feed, and public correction notes.

See docs/corrections.md for the decisions (merge rule, rate limits, digests).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SELECTION_MAX_LENGTH = 300
CONTEXT_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 1000
SUGGESTION_MAX_LENGTH = 300
URL_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 1000


class ErrorReportStatus(models.TextChoices):
    NEW = "new", _("New")
    FIXED = "fixed", _("Fixed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


class ErrorReportDigest(models.Model):
    """One e-mail to an edition's editors listing the reports it claimed.

    Reports are claimed (their `digest` set) before the e-mail goes out and the digest is
    stamped `sent_at` right after, so a job that dies in between retries the same digest
    instead of losing or re-listing reports. `attempted_at` is a lease: a delivery that
    started less than DIGEST_LEASE ago is not started again by another run.
    """

    locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.CASCADE, related_name="+", verbose_name=_("edition")
    )
    created_at = models.DateTimeField(_("created at"), db_index=True)
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("error report digest")
        verbose_name_plural = _("error report digests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["locale", "created_at"], name="corrections_digest_recent")]

    def __str__(self) -> str:
        return f"digest {self.pk} ({self.locale_id}, {self.created_at:%Y-%m-%d %H:%M})"


class ErrorReport(models.Model):
    """A place in an article that readers say is wrong.

    Identical reports of the same place (same article, selection and surrounding text) are
    one row while it is new; `report_count` counts the distinct readers behind it.
    """

    article = models.ForeignKey(
        "articles.ArticlePage",
        on_delete=models.CASCADE,
        related_name="error_reports",
        verbose_name=_("article"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revision"),
        help_text=_("The article's live revision when it was first reported."),
    )
    locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.PROTECT, related_name="+", verbose_name=_("edition")
    )
    selected_text = models.CharField(_("selected text"), max_length=SELECTION_MAX_LENGTH)
    context_before = models.CharField(_("text before"), max_length=CONTEXT_MAX_LENGTH, blank=True)
    context_after = models.CharField(_("text after"), max_length=CONTEXT_MAX_LENGTH, blank=True)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    suggestion = models.CharField(_("suggested correction"), max_length=SUGGESTION_MAX_LENGTH, blank=True)
    url = models.CharField(_("URL"), max_length=URL_MAX_LENGTH, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, db_index=True, editable=False)
    reporter_hash = models.CharField(_("reader"), max_length=64, editable=False)
    report_count = models.PositiveIntegerField(_("readers"), default=1)
    created_at = models.DateTimeField(_("reported at"), db_index=True)
    last_reported_at = models.DateTimeField(_("last reported at"))
    status = models.CharField(
        _("status"), max_length=12, choices=ErrorReportStatus.choices, default=ErrorReportStatus.NEW
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    digest = models.ForeignKey(
        ErrorReportDigest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("digest"),
    )

    class Meta:
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")
        ordering = ["-last_reported_at", "-pk"]
        constraints = [
            # The merge key: at most one open report per place, so concurrent identical
            # reports cannot create two rows (the loser of the race merges instead).
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status="new"),
                name="corrections_one_open_report_per_place",
            ),
        ]
        indexes = [
            models.Index(fields=["locale", "status", "-last_reported_at"], name="corrections_inbox"),
            models.Index(fields=["locale", "digest"], name="corrections_undigested"),
        ]

    def __str__(self) -> str:
        return f"«{self.selected_text[:60]}» in {self.article_id}"


class ErrorReportReader(models.Model):
    """One reader behind a report: counted once however often they send it again.

    Keeps what each reader wrote, so merging reports loses no comment or suggestion.
    """

    report = models.ForeignKey(ErrorReport, on_delete=models.CASCADE, related_name="readers")
    reporter_hash = models.CharField(_("reader"), max_length=64)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    suggestion = models.CharField(_("suggested correction"), max_length=SUGGESTION_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("error report reader")
        verbose_name_plural = _("error report readers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "reporter_hash"], name="corrections_one_row_per_reader"
            ),
        ]

    def __str__(self) -> str:
        return f"reader {self.reporter_hash[:8]} of report {self.report_id}"


class CorrectionNote(models.Model):
    """A public note under an article: "Corrected on 29.11.2026: ..."."""

    article = models.ForeignKey(
        "articles.ArticlePage",
        on_delete=models.CASCADE,
        related_name="correction_notes",
        verbose_name=_("article"),
    )
    report = models.ForeignKey(
        ErrorReport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="correction_notes",
        verbose_name=_("error report"),
    )
    text = models.TextField(_("text"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("correction note")
        verbose_name_plural = _("correction notes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["article", "published", "created_at"], name="corrections_notes_page")]

    def __str__(self) -> str:
        return f"correction of {self.article_id}: {self.text[:60]}"
