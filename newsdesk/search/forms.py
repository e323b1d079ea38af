from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from newsdesk.core.timezone import ALMATY

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SORTS = [("relevance", _("relevance")), ("date", _("date"))]

# The archive's span, with room on both sides. Dates outside it mean nothing to a news
# search, and at the ends of the calendar the day after (or Almaty's midnight in UTC) does
# not exist: 9999-12-31 raised OverflowError, a 500 (issue 15, item 4).
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
DATE_OUT_OF_RANGE = _("Choose a date between %(min)s and %(max)s, please.")
DATES_REVERSED = _("The start date is after the end date.")


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
        ),
    )


def _date_in_range(day: date | None) -> date | None:
    if day is not None and not DATE_MIN <= day <= DATE_MAX:
        raise forms.ValidationError(
            DATE_OUT_OF_RANGE,
            code="date_out_of_range",
            params={"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )
    return day


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
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args: Any, sections: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["section"]).choices = [("", _("All sections")), *sections]

    def clean_date_from(self) -> date | None:
        return _date_in_range(self.cleaned_data.get("date_from"))

    def clean_date_to(self) -> date | None:
        return _date_in_range(self.cleaned_data.get("date_to"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(DATES_REVERSED)
        return data

    @property
    def start(self) -> datetime | None:
        day = self.cleaned_data.get("date_from")
        return datetime.combine(day, time.min, tzinfo=ALMATY) if day else None

    @property
    def end(self) -> datetime | None:
        day = self.cleaned_data.get("date_to")
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ALMATY) if day else None
