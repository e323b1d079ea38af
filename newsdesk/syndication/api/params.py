"""Query parameters of the API: parsed and checked up front, so bad input is a 400 with a message.

Each endpoint accepts a fixed set of parameters; anything else (a typo, a filter we do not have)
is refused rather than silently ignored, so an app never shows a wrong list believing it
filtered. A parameter given twice is refused too, which also keeps one cache key per query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

from django.conf import settings
from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime
from wagtail.api.v2.utils import BadRequestError

from newsdesk.core.timezone import ALMATY

UNKNOWN_PARAMETERS = "unknown query parameters: {names}; accepted: {accepted}"
REPEATED_PARAMETER = "{name} may be given only once"
BAD_INTEGER = "{name} must be an integer from 0 to {maximum}"
LIMIT_TOO_HIGH = "limit cannot be higher than {maximum}"
UNKNOWN_EDITION = "unknown edition {value!r}; one of: {codes}"
BAD_DATE = "{name} must be an ISO 8601 date (2021-08-22) or date and time (2021-08-22T08:42:00+06:00)"
BAD_ORDER = "order must be one of: {choices}"
EMPTY_VALUE = "{name} must not be empty"

PAGINATION = frozenset({"limit", "offset"})
ARTICLE_PARAMETERS = PAGINATION | {
    "edition",
    "section",
    "tag",
    "published_after",
    "published_before",
    "order",
}
SECTION_PARAMETERS = PAGINATION | {"edition"}
EDITION_PARAMETERS = PAGINATION
ORDERINGS = ("-published_at", "published_at")
DEFAULT_LIMIT = 20
# Deeper than any app pages; a bigger number would overflow the database's integer.
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class Query:
    """A checked query: what to filter by, which slice to return, and its cache key part."""

    limit: int
    offset: int
    edition: str | None = None
    section: str | None = None
    tag: str | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    order: str = ORDERINGS[0]

    def cache_key(self) -> str:
        values = {
            "limit": self.limit,
            "offset": self.offset,
            "edition": self.edition,
            "section": self.section,
            "tag": self.tag,
            "after": self.published_after.isoformat() if self.published_after else None,
            "before": self.published_before.isoformat() if self.published_before else None,
            "order": self.order,
        }
        return urlencode(sorted((k, v) for k, v in values.items() if v is not None))


def _single(params: QueryDict, name: str) -> str | None:
    values = params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequestError(REPEATED_PARAMETER.format(name=name))
    return values[0]


def _above(digits: str, maximum: int) -> bool:
    """Compares without int() of a huge string (Python refuses more than 4,300 digits)."""
    digits = digits.lstrip("0") or "0"
    return len(digits) > len(str(maximum)) or int(digits) > maximum


def _integer(params: QueryDict, name: str, default: int, maximum: int) -> int:
    raw = _single(params, name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or _above(raw, maximum):
        raise BadRequestError(BAD_INTEGER.format(name=name, maximum=maximum))
    return int(raw)


def _moment(params: QueryDict, name: str) -> datetime | None:
    """A date means the start of that day in Almaty; a date and time without an offset is in
    Almaty time too (the newsroom's clock)."""
    raw = _single(params, name)
    if raw is None:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day: date | None = parse_date(raw)
            if day is None:
                raise ValueError(raw)
            moment = datetime.combine(day, time.min)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ALMATY)
        # Year 1 or 9999 in another zone cannot become UTC: OverflowError.
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise BadRequestError(BAD_DATE.format(name=name)) from error


def _text(params: QueryDict, name: str) -> str | None:
    raw = _single(params, name)
    if raw is not None and not raw.strip():
        raise BadRequestError(EMPTY_VALUE.format(name=name))
    return raw.strip() if raw is not None else None


def query_parse(*, params: QueryDict, accepted: frozenset[str]) -> Query:
    unknown = sorted(set(params) - accepted)
    if unknown:
        raise BadRequestError(
            UNKNOWN_PARAMETERS.format(names=", ".join(unknown), accepted=", ".join(sorted(accepted)))
        )
    maximum: int = settings.API_MAX_PAGE_SIZE
    raw_limit = _single(params, "limit") or ""
    if raw_limit.isascii() and raw_limit.isdigit() and _above(raw_limit, maximum):
        raise BadRequestError(LIMIT_TOO_HIGH.format(maximum=maximum))
    limit = _integer(params, "limit", min(DEFAULT_LIMIT, maximum), maximum)
    offset = _integer(params, "offset", 0, MAX_OFFSET)
    edition = _text(params, "edition")
    codes = [code for code, _name in settings.LANGUAGES]
    if edition is not None and edition not in codes:
        raise BadRequestError(UNKNOWN_EDITION.format(value=edition, codes=", ".join(codes)))
    order = _single(params, "order") or ORDERINGS[0]
    if order not in ORDERINGS:
        raise BadRequestError(BAD_ORDER.format(choices=", ".join(ORDERINGS)))
    return Query(
        limit=limit,
        offset=offset,
        edition=edition,
        section=_text(params, "section"),
        tag=_text(params, "tag"),
        published_after=_moment(params, "published_after"),
        published_before=_moment(params, "published_before"),
        order=order,
    )
