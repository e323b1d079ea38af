"""The corrections app on the article page: the Ctrl+Enter hint and the correction notes.

Both render into cached article HTML, so neither carries anything per reader.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from newsdesk.core.timezone import to_almaty
from newsdesk.corrections.models import COMMENT_MAX_LENGTH, SELECTION_MAX_LENGTH, SUGGESTION_MAX_LENGTH
from newsdesk.corrections.selectors import correction_notes_for_article
from newsdesk.corrections.services import SELECTION_TOO_LONG

register = template.Library()

NOTE_DATE_FORMAT = "%d.%m.%Y"
# Keeps "</script>" and friends inside JSON-LD from ending the <script> element.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def reader_strings() -> dict[str, str]:
    """Everything error-report.js says, in the active (the edition's) language."""
    return {
        "title": _("Report an error"),
        "inContext": _("The error in its sentence"),
        "comment": _("Your comment"),
        "commentHint": _("What is wrong? (optional)"),
        "suggestion": _("Suggested correction (optional)"),
        "send": _("Send"),
        "cancel": _("Cancel"),
        "close": _("Close"),
        "sending": _("Sending…"),
        "sent": _("Thank you! The editors will look into it."),
        "failed": _("The report could not be sent. Please try again later."),
        "tooLong": str(SELECTION_TOO_LONG),
        "touchButton": _("Report an error"),
        "macHint": _("Select the error and press ⌘ + Enter at the same time."),
    }


@register.inclusion_tag("corrections/hint.html")
def error_report_hint(page: Any) -> dict[str, Any]:
    """'Found an error in the text?', the reader script, and the no-script form's link."""
    with translation.override(page.locale.language_code):
        form_url = reverse("corrections_edition:report_form") + f"?article={page.pk}"
        strings = reader_strings()
    return {
        "page": page,
        "endpoint": reverse("corrections:report_api") + f"?lang={page.locale.language_code}",
        "form_url": form_url,
        "strings": strings,
        "limits": {
            "selection": SELECTION_MAX_LENGTH,
            "comment": COMMENT_MAX_LENGTH,
            "suggestion": SUGGESTION_MAX_LENGTH,
        },
    }


def json_ld(data: object) -> SafeString:
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=None).translate(JSON_SCRIPT_ESCAPES))


@register.inclusion_tag("corrections/correction_notes.html")
def correction_notes(page: Any) -> dict[str, Any]:
    """Public correction notes under the article, and the same in schema.org terms.

    The NewsArticle node carries the article's @id, so it merges with the article's own
    NewsArticle description.
    """
    notes = correction_notes_for_article(article=page)
    if not notes:
        return {"notes": []}
    # The same node as the article's own JSON-LD (syndication.structured_data): the public
    # address on PUBLIC_BASE_URL, "#article" as its @id, so crawlers merge the two.
    url = settings.PUBLIC_BASE_URL.rstrip("/") + page.url
    structured = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": f"{url}#article",
        "url": url,
        "headline": page.title,
        "correction": [
            {
                "@type": "CorrectionComment",
                "text": note.text,
                "datePublished": to_almaty(note.created_at).isoformat(),
            }
            for note in notes
        ],
    }
    if getattr(page, "published_at", None):
        structured["datePublished"] = to_almaty(page.published_at).isoformat()
    return {
        "notes": [
            {
                "date": to_almaty(note.created_at).strftime(NOTE_DATE_FORMAT),
                "iso": to_almaty(note.created_at).isoformat(),
                "text": note.text,
            }
            for note in notes
        ],
        "json_ld": json_ld(structured),
    }
