"""The article's admin form: a lead photo needs its alt text (issue 14), shown beside the field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

ALT_TEXT_REQUIRED = _(
    "Describe the photo for readers who cannot see it: alt text is required when a photo is set."
)


class ArticlePageForm(WagtailAdminPageForm):
    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        # Like Wagtail's own required fields (and the gallery's alt text): a draft may be saved
        # without it, publishing or submitting for review may not.
        if self.is_deferred_validation:
            return cleaned_data
        if cleaned_data.get("listing_image") and not (cleaned_data.get("listing_image_alt") or "").strip():
            self.add_error("listing_image_alt", ValidationError(ALT_TEXT_REQUIRED, code="alt_required"))
        return cleaned_data
