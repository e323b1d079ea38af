"""Writes: taking a reader's report and handling it in the newsroom (digests.py tells the editors).

The reader endpoint (views.error_report_api), the no-script form and the admin all come
through here, so every path applies the same limits and the same merge rule.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from newsdesk.articles.models import ArticlePage
from newsdesk.core.fragments import fragments_forget_on_commit
from newsdesk.core.http import client_network, origin_of
from newsdesk.core.ratelimit import Limit, RateLimitDecision, rate_limit_hit, window_almaty_day, window_fixed
from newsdesk.core.readers import reader_hash
from newsdesk.core.services import page_cache_purge_pages_on_commit

from .models import (
    COMMENT_MAX_LENGTH,
    CONTEXT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SELECTION_MAX_LENGTH,
    SUGGESTION_MAX_LENGTH,
    URL_MAX_LENGTH,
    CorrectionNote,
    ErrorReport,
    ErrorReportReader,
    ErrorReportStatus,
)
from .selectors import text_collapse, text_format_chars_strip

logger = logging.getLogger(__name__)

# --- What bad input gets: (error code, message); tests compare with these constants -----
ARTICLE_MISSING = _("Say which article the error is in.")
ARTICLE_INVALID = _("The article number is not valid.")
ARTICLE_NOT_FOUND = _("This article does not exist or is no longer published.")
FIELD_NOT_TEXT = _("This field must be text.")
SELECTION_EMPTY = _("Select the text that has the error first.")
SELECTION_TOO_LONG = format_lazy(
    _("The selection is too long: select at most {limit} characters."), limit=SELECTION_MAX_LENGTH
)
CONTEXT_TOO_LONG = format_lazy(
    _("The text around the selection is too long: at most {limit} characters on each side."),
    limit=CONTEXT_MAX_LENGTH,
)
COMMENT_TOO_LONG = format_lazy(
    _("The comment is too long: at most {limit} characters."), limit=COMMENT_MAX_LENGTH
)
SUGGESTION_TOO_LONG = format_lazy(
    _("The suggested correction is too long: at most {limit} characters."), limit=SUGGESTION_MAX_LENGTH
)
URL_INVALID = format_lazy(
    _("The page address must be an http or https address of at most {limit} characters."),
    limit=URL_MAX_LENGTH,
)
URL_OFFSITE = _("The page address must be an address on this site.")
NOTE_EMPTY = _("Write the text of the correction note.")
NOTE_TOO_LONG = format_lazy(
    _("The correction note is too long: at most {limit} characters."), limit=NOTE_MAX_LENGTH
)

HONEYPOT_FIELD = "website"
HANDLED_STATUSES = (ErrorReportStatus.FIXED, ErrorReportStatus.REJECTED, ErrorReportStatus.DUPLICATE)
MAX_ID = 2**63 - 1

# Lone surrogates (valid JSON, not storable as UTF-8) and control characters other than
# tab and newlines: PostgreSQL refuses NUL, and none of them is text a reader meant.
UNSTORABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DIGITS = re.compile(r"[0-9]{1,19}")


class ErrorReportInvalid(Exception):
    """A report that cannot be accepted; `message` says what is wrong in the reader's language."""

    def __init__(self, code: str, message: Promise | str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.field = field


class CorrectionNoteInvalid(Exception):
    def __init__(self, message: Promise | str) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ErrorReportInput:
    article_id: int
    selected_text: str
    context_before: str
    context_after: str
    comment: str
    suggestion: str
    url: str
    is_bot: bool


@dataclass(frozen=True)
class SubmitResult:
    report: ErrorReport
    created: bool
    new_reader: bool


# --- Reading the reader's input -------------------------------------------------------


def _text(data: Mapping[str, object], field: str) -> str:
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ErrorReportInvalid("invalid_type", FIELD_NOT_TEXT, field)
    return text_format_chars_strip(UNSTORABLE.sub("", value))


def error_report_article_id_clean(*, value: object) -> int:
    """The article number of a report (JSON number or digits), or ErrorReportInvalid."""
    raw = value
    if raw is None or raw == "":
        raise ErrorReportInvalid("article_missing", ARTICLE_MISSING, "article")
    if isinstance(raw, str) and DIGITS.fullmatch(raw.strip()):
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_ID:
        raise ErrorReportInvalid("article_invalid", ARTICLE_INVALID, "article")
    return raw


def error_report_input_clean(
    *, data: Mapping[str, object], origin_is_ours: Callable[[str], bool] | None = None
) -> ErrorReportInput:
    """Check a report against the limits (issue 4) and return it normalised.

    Format characters (Cf) are dropped from every text first, so a selection of zero-width
    characters alone is empty. Whitespace runs in the selection, its context and the
    suggestion become one space, as the reader script sends them; lengths are counted after
    that. The page address is shown to editors as a link, so it must be on one of this
    site's origins (`origin_is_ours`, core.http's rule for the request; without it, none is).
    """
    is_bot = bool(data.get(HONEYPOT_FIELD))
    article_id = error_report_article_id_clean(value=data.get("article"))

    selected = text_collapse(_text(data, "selected_text")).strip()
    if not selected:
        raise ErrorReportInvalid("selection_empty", SELECTION_EMPTY, "selected_text")
    if len(selected) > SELECTION_MAX_LENGTH:
        raise ErrorReportInvalid("selection_too_long", SELECTION_TOO_LONG, "selected_text")

    contexts = {}
    for field in ("context_before", "context_after"):
        contexts[field] = text_collapse(_text(data, field))
        if len(contexts[field]) > CONTEXT_MAX_LENGTH:
            raise ErrorReportInvalid("context_too_long", CONTEXT_TOO_LONG, field)

    comment = _text(data, "comment").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ErrorReportInvalid("comment_too_long", COMMENT_TOO_LONG, "comment")

    suggestion = text_collapse(_text(data, "suggestion")).strip()
    if len(suggestion) > SUGGESTION_MAX_LENGTH:
        raise ErrorReportInvalid("suggestion_too_long", SUGGESTION_TOO_LONG, "suggestion")

    url = _text(data, "url").strip()
    if url and (len(url) > URL_MAX_LENGTH or not url.lower().startswith(("http://", "https://"))):
        raise ErrorReportInvalid("url_invalid", URL_INVALID, "url")
    if url and (origin_is_ours is None or not origin_is_ours(origin_of(url) or "")):
        raise ErrorReportInvalid("url_offsite", URL_OFFSITE, "url")

    return ErrorReportInput(
        article_id=article_id,
        selected_text=selected,
        context_before=contexts["context_before"],
        context_after=contexts["context_after"],
        comment=comment,
        suggestion=suggestion,
        url=url,
        is_bot=is_bot,
    )


# --- Who the reader is, and how often they may report ---------------------------------


def error_report_reader_hash(*, ip: str, user_agent: str, now: datetime | None = None) -> str:
    """The reader behind a report: the site's one private identity, salted per Almaty day."""
    return reader_hash(ip=ip, user_agent=user_agent, now=now)


def error_report_rate_limit_hit(
    *, ip: str, reporter_hash: str, now: datetime | None = None
) -> RateLimitDecision:
    """Count one report against the reader's allowance and their network's.

    Per minute and per Almaty day (the day the reader hash is salted for): first the
    reader's own (IP + User-Agent), then the network's ceiling (an IPv4 address, an IPv6
    /64), which rotating the User-Agent cannot escape. A reader over their own allowance
    does not use up their network's. The store is core.ratelimit's (database or Redis).
    """
    now = now or timezone.now()
    minute, day = window_fixed(seconds=60, now=now), window_almaty_day(now=now)
    # The network is hashed like a reader (no address is stored), with an empty agent.
    network = reader_hash(ip=client_network(ip), user_agent="", now=now)
    reader_key, network_key = f"corrections:reader:{reporter_hash}", f"corrections:network:{network}"
    return rate_limit_hit(
        limits=[
            Limit(key=reader_key, limit=settings.CORRECTIONS_RATE_PER_MINUTE, window=minute),
            Limit(key=reader_key, limit=settings.CORRECTIONS_RATE_PER_DAY, window=day),
            Limit(key=network_key, limit=settings.CORRECTIONS_NETWORK_RATE_PER_MINUTE, window=minute),
            Limit(key=network_key, limit=settings.CORRECTIONS_NETWORK_RATE_PER_DAY, window=day),
        ],
        now=now,
    )


# --- Storing a report -----------------------------------------------------------------


def error_report_fingerprint(
    *, article_id: int, selected_text: str, context_before: str, context_after: str
) -> str:
    """The merge key: the same selection at the same place of the same article."""
    key = "\x1f".join([str(article_id), selected_text, context_before.strip(), context_after.strip()])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _submit_once(
    *, article: ArticlePage, data: ErrorReportInput, reporter_hash: str, fingerprint: str, now: datetime
) -> SubmitResult:
    report = ErrorReport.objects.select_for_update().filter(fingerprint=fingerprint, status="new").first()
    if report is None:
        report = ErrorReport.objects.create(
            article=article,
            revision_id=article.live_revision_id,
            locale_id=article.locale_id,
            selected_text=data.selected_text,
            context_before=data.context_before,
            context_after=data.context_after,
            comment=data.comment,
            suggestion=data.suggestion,
            url=data.url or article.get_full_url() or "",
            fingerprint=fingerprint,
            reporter_hash=reporter_hash,
            created_at=now,
            last_reported_at=now,
        )
        ErrorReportReader.objects.create(
            report=report,
            reporter_hash=reporter_hash,
            comment=data.comment,
            suggestion=data.suggestion,
            created_at=now,
        )
        return SubmitResult(report=report, created=True, new_reader=True)

    try:
        with transaction.atomic():
            ErrorReportReader.objects.create(
                report=report,
                reporter_hash=reporter_hash,
                comment=data.comment,
                suggestion=data.suggestion,
                created_at=now,
            )
        new_reader = True
    except IntegrityError:
        new_reader = False

    updates: dict[str, object] = {"last_reported_at": now}
    if new_reader:
        updates["report_count"] = F("report_count") + 1
    else:
        # The same reader again: what they add now (a comment they forgot) replaces theirs.
        changed = {
            key: value for key, value in (("comment", data.comment), ("suggestion", data.suggestion)) if value
        }
        if changed:
            ErrorReportReader.objects.filter(report=report, reporter_hash=reporter_hash).update(**changed)
            if report.reporter_hash == reporter_hash:
                updates.update(changed)
    ErrorReport.objects.filter(pk=report.pk).update(**updates)
    report.refresh_from_db()
    return SubmitResult(report=report, created=False, new_reader=new_reader)


def error_report_submit(
    *, article: ArticlePage, data: ErrorReportInput, reporter_hash: str, now: datetime | None = None
) -> SubmitResult:
    """Store a reader's report, or merge it into the open report of the same place.

    A reader who sends the same report again is not counted twice. Two identical reports
    arriving together cannot both create a row (a partial unique constraint on the open
    report's fingerprint): the one that loses the race merges into the winner's row.
    """
    now = now or timezone.now()
    fingerprint = error_report_fingerprint(
        article_id=article.pk,
        selected_text=data.selected_text,
        context_before=data.context_before,
        context_after=data.context_after,
    )
    attempts = 3
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return _submit_once(
                    article=article, data=data, reporter_hash=reporter_hash, fingerprint=fingerprint, now=now
                )
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


# --- Handling reports in the newsroom -------------------------------------------------


def error_reports_mark(
    *, reports: QuerySet[ErrorReport], status: str, user: User, now: datetime | None = None
) -> int:
    """Set fixed / rejected / duplicate on reports the caller has already scoped to the user."""
    if status not in HANDLED_STATUSES:
        raise ValueError(f"not a handled status: {status!r}")
    return reports.update(status=status, handled_by=user, handled_at=now or timezone.now())


def correction_note_text_clean(*, text: str) -> str:
    text = UNSTORABLE.sub("", text).replace("\r\n", "\n").strip()
    if not text:
        raise CorrectionNoteInvalid(NOTE_EMPTY)
    if len(text) > NOTE_MAX_LENGTH:
        raise CorrectionNoteInvalid(NOTE_TOO_LONG)
    return text


def correction_note_create(
    *,
    article: ArticlePage,
    text: str,
    user: User | None,
    report: ErrorReport | None = None,
    now: datetime | None = None,
) -> CorrectionNote:
    """Publish a correction note under the article; cached copies of the page are dropped."""
    note = CorrectionNote.objects.create(
        article=article,
        report=report,
        text=correction_note_text_clean(text=text),
        created_at=now or timezone.now(),
        created_by=user,
    )
    page_cache_purge_pages_on_commit(page_ids=[article.pk], reason="correction note")
    return note


def correction_note_unpublish(*, note: CorrectionNote) -> None:
    CorrectionNote.objects.filter(pk=note.pk).update(published=False)
    fragments_forget_on_commit()  # an update() sends no post_save: the article's fragments go
    page_cache_purge_pages_on_commit(page_ids=[note.article_id], reason="correction note withdrawn")


@transaction.atomic
def error_report_fix(
    *,
    report: ErrorReport,
    user: User,
    note_text: str = "",
    require_note: bool = False,
    now: datetime | None = None,
) -> CorrectionNote | None:
    """Mark the report fixed and, if the editor wrote one, publish a correction note."""
    now = now or timezone.now()
    note = None
    if require_note or note_text.strip():
        note = correction_note_create(
            article=report.article, text=note_text, user=user, report=report, now=now
        )
    error_reports_mark(reports=ErrorReport.objects.filter(pk=report.pk), status="fixed", user=user, now=now)
    return note
