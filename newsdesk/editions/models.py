from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Locale


class Edition(models.Model):
    """One language edition of the agency (ru, kk, en) and what it says about itself."""

    locale = models.OneToOneField(
        Locale, on_delete=models.PROTECT, related_name="edition", verbose_name=_("locale")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. Kazakhstan Today"))
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    copyright_notice = models.TextField(
        _("copyright notice"),
        help_text=_("Shown under every article and in the footer."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("tagline"),
        FieldPanel("copyright_notice"),
    ]

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["locale__id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.locale.language_code})"

    @property
    def language_code(self) -> str:
        return self.locale.language_code
