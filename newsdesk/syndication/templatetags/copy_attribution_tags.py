"""`{% copy_attribution page edition %}`: the data the copy-attribution script needs (issue 10)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# In the edition's language whatever the reader's interface language (issue 10).
SOURCE_LABELS = {"ru": "Источник", "kk": "Дереккөз", "en": "Source"}


@register.simple_tag
def copy_attribution(page: Any, edition: Any) -> SafeString:
    language = page.locale.language_code
    return format_html(
        '<span hidden data-copy-attribution data-threshold="{}" data-label="{}" data-edition="{}"'
        ' data-url="{}"></span>\n<script type="module" src="{}"></script>',
        settings.SYNDICATION_COPY_ATTRIBUTION_CHARS,
        SOURCE_LABELS.get(language, SOURCE_LABELS["en"]),
        getattr(edition, "name", ""),
        page.full_url,
        static("syndication/copy-attribution.js"),
    )
