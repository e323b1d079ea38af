from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from newsdesk.core.timezone import ALMATY

SORTS = [("relevance", _("relevance")), ("date", _("date"))]


class SearchForm(forms.Form):
    """The search page's query string. Dates are Almaty days, the range includes both ends."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        strip=True,
        max_length=settings.SEARCH_MAX_QUERY_CHARS,
        error_messages={
            "max_length": _("The query is too long: at most %(limit_value)d characters, please."),
        },
    )
    section = forms.TypedChoiceField(label=_("Section"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args: object, sections: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["section"].choices = [("", _("All sections")), *sections]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    @property
    def start(self) -> datetime | None:
        day = self.cleaned_data.get("date_from")
        return datetime.combine(day, time.min, tzinfo=ALMATY) if day else None

    @property
    def end(self) -> datetime | None:
        day = self.cleaned_data.get("date_to")
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ALMATY) if day else None
