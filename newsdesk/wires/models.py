"""Partners' wires and the items they sent (issue 11): docs/wires.md."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Locale

from newsdesk.articles.models import ArticlePage, PartnerAgency, SectionPage

if TYPE_CHECKING:
    from wagtail.models import Revision


class WireFormat(models.TextChoices):
    AUTO = "auto", _("Detect")
    RSS = "rss", _("RSS 2.0")
    ATOM = "atom", _("Atom")
    NEWSML = "newsml", _("NewsML-G2")


class Wire(models.Model):
    """One feed of a partner agency, polled into drafts of one edition and section."""

    partner: models.ForeignKey[PartnerAgency, PartnerAgency] = models.ForeignKey(
        PartnerAgency, verbose_name=_("partner agency"), on_delete=models.CASCADE, related_name="wires"
    )
    name: models.CharField[str, str] = models.CharField(
        _("name"), max_length=200, help_text=_("For the newsroom, e.g. “Kazinform, politics (ru)”.")
    )
    feed_url: models.URLField[str, str] = models.URLField(
        _("feed URL"), max_length=1000, validators=[URLValidator(schemes=["http", "https"])]
    )
    format: models.CharField[str, str] = models.CharField(
        _("format"), max_length=10, choices=WireFormat.choices, default=WireFormat.AUTO
    )
    edition: models.ForeignKey[Locale, Locale] = models.ForeignKey(
        Locale, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="+"
    )
    section: models.ForeignKey[SectionPage, SectionPage] = models.ForeignKey(
        SectionPage,
        verbose_name=_("default section"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Drafts are created here; choose a section of the wire's edition."),
    )
    attribution: models.CharField[str, str] = models.CharField(
        _("attribution line"),
        max_length=300,
        blank=True,
        help_text=_("Credit for the partner's photos; the partner's name when empty."),
    )
    poll_minutes: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("poll every (minutes)"), default=15
    )
    active: models.BooleanField[bool, bool] = models.BooleanField(_("active"), default=True)
    username: models.CharField[str, str] = models.CharField(_("HTTP user name"), max_length=200, blank=True)
    # Sent as HTTP Basic credentials, so kept readable; never shown back (write-only form field).
    password: models.CharField[str, str] = models.CharField(_("HTTP password"), max_length=200, blank=True)

    # Polling state, written by services.wire_poll.
    last_polled_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        _("last poll"), null=True, blank=True, editable=False
    )
    last_found: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("found"), default=0, editable=False
    )
    last_created: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("created"), default=0, editable=False
    )
    last_updated: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("updated"), default=0, editable=False
    )
    last_skipped: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("skipped"), default=0, editable=False
    )
    last_errors: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("errors"), default=0, editable=False
    )
    last_error: models.TextField[str, str] = models.TextField(_("last error"), blank=True, editable=False)
    failures: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("failures in a row"), default=0, editable=False
    )
    next_poll_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        _("next poll"), null=True, blank=True, editable=False, db_index=True
    )
    etag: models.CharField[str, str] = models.CharField(max_length=500, blank=True, editable=False)
    last_modified: models.CharField[str, str] = models.CharField(max_length=100, blank=True, editable=False)

    panels = [
        FieldPanel("partner"),
        FieldPanel("name"),
        FieldPanel("feed_url"),
        FieldRowPanel([FieldPanel("format"), FieldPanel("poll_minutes"), FieldPanel("active")]),
        FieldRowPanel([FieldPanel("edition"), FieldPanel("section")]),
        FieldPanel("attribution"),
        MultiFieldPanel(
            [FieldPanel("username"), FieldPanel("password")],
            heading=_("HTTP credentials"),
            help_text=_("The stored password is never shown; leave it empty to keep it."),
        ),
    ]

    class Meta:
        verbose_name = _("wire")
        verbose_name_plural = _("wires")
        ordering = ["partner__name", "name"]

    def __str__(self) -> str:
        return f"{self.partner.name}: {self.name}"

    def clean(self) -> None:
        if self.section_id and self.edition_id and self.section.locale_id != self.edition_id:
            raise ValidationError({"section": _("Choose a section of the wire's edition.")})

    @property
    def credentials(self) -> tuple[str, str] | None:
        return (self.username, self.password) if self.username else None

    @property
    def credit(self) -> str:
        return self.attribution or self.partner.name


class WireItemState(models.TextChoices):
    NEW = "new", _("New")
    UPDATED = "updated", _("Updated")
    TAKEN = "taken", _("Taken")
    DISCARDED = "discarded", _("Discarded")
    DUPLICATE = "duplicate", _("Also reported by")


class WireItem(models.Model):
    """One item a wire sent, and the draft made of it (none for a near-duplicate)."""

    wire: models.ForeignKey[Wire, Wire] = models.ForeignKey(
        Wire, verbose_name=_("wire"), on_delete=models.CASCADE, related_name="items"
    )
    # GUIDs and links can be longer than an index allows: matched by their SHA-256.
    guid: models.TextField[str, str] = models.TextField(_("GUID"))
    guid_key: models.CharField[str, str] = models.CharField(max_length=64, editable=False)
    url: models.TextField[str, str] = models.TextField(_("original"), blank=True)
    url_key: models.CharField[str, str] = models.CharField(max_length=64, blank=True)
    title: models.CharField[str, str] = models.CharField(_("title"), max_length=255)
    published_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        _("published by the partner"), null=True, blank=True
    )
    content_hash: models.CharField[str, str] = models.CharField(max_length=64, editable=False)
    # MinHash signature of the text (duplicates.py), for near-duplicates across partners.
    signature: models.BinaryField[bytes | None, bytes | None] = models.BinaryField(null=True, editable=False)
    article: models.ForeignKey[ArticlePage | None, ArticlePage | None] = models.ForeignKey(
        ArticlePage,
        verbose_name=_("draft"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wire_items",
    )
    # The revision our last import wrote: a later revision means an editor touched the draft.
    import_revision: models.ForeignKey[Revision | None, Revision | None] = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_of: models.ForeignKey[WireItem | None, WireItem | None] = models.ForeignKey(
        "self",
        verbose_name=_("same story as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="also_reported_by",
    )
    state: models.CharField[str, str] = models.CharField(
        _("state"), max_length=12, choices=WireItemState.choices, default=WireItemState.NEW, db_index=True
    )
    received_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("received"), auto_now_add=True, db_index=True
    )
    changed_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("wire item")
        verbose_name_plural = _("wire items")
        constraints = [models.UniqueConstraint(fields=["wire", "guid_key"], name="wires_item_unique_guid")]
        indexes = [models.Index(fields=["wire", "url_key"], name="wires_item_url")]

    def __str__(self) -> str:
        return self.title
