"""Writes: taking a reader's report, handling it in the newsroom, telling the editors.

The reader endpoint (views.error_report_api), the no-script form and the admin all come
through here, so every path applies the same limits and the same merge rule.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from newsdesk.articles.models import ArticlePage
from newsdesk.core.services import page_cache_purge
from newsdesk.editions.selectors import edition_get

from .models import (
    COMMENT_MAX_LENGTH,
    CONTEXT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SELECTION_MAX_LENGTH,
    SUGGESTION_MAX_LENGTH,
    URL_MAX_LENGTH,
    CorrectionNote,
    ErrorReport,
    ErrorReportDigest,
    ErrorReportReader,
    ErrorReportStatus,
)
from .selectors import edition_editors, text_collapse

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
NOTE_EMPTY = _("Write the text of the correction note.")
NOTE_TOO_LONG = format_lazy(
    _("The correction note is too long: at most {limit} characters."), limit=NOTE_MAX_LENGTH
)

HONEYPOT_FIELD = "website"
HANDLED_STATUSES = (ErrorReportStatus.FIXED, ErrorReportStatus.REJECTED, ErrorReportStatus.DUPLICATE)
MAX_ID = 2**63 - 1
DIGEST_LEASE = timedelta(minutes=5)
DIGEST_LISTED_REPORTS = 50

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


@dataclass(frozen=True)
class RateLimitDecision:
    allowed: bool
    retry_after: int = 0
    # The counter store could not be reached; the report went through unlimited.
    degraded: bool = False


# --- Reading the reader's input -------------------------------------------------------


def _text(data: Mapping[str, object], field: str) -> str:
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ErrorReportInvalid("invalid_type", FIELD_NOT_TEXT, field)
    return UNSTORABLE.sub("", value)


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


def error_report_input_clean(*, data: Mapping[str, object]) -> ErrorReportInput:
    """Check a report against the limits (issue 4) and return it normalised.

    Whitespace runs in the selection, its context and the suggestion become one space, as
    the reader script sends them; lengths are counted after that.
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


def reporter_hash_make(*, ip: str, user_agent: str) -> str:
    """A keyed hash standing for the reader: no IP address is stored or recoverable."""
    return salted_hmac(
        "newsdesk.corrections.reader",
        f"{ip}\n{user_agent[:400]}",
        secret=settings.CORRECTIONS_READER_SALT or None,
        algorithm="sha256",
    ).hexdigest()


def _count_hit(key: str, timeout: int) -> int | None:
    """Add one to a counter; None when the cache cannot count (e.g. Redis down)."""
    cache = caches["default"]
    try:
        if cache.add(key, 1, timeout):
            return 1
        return cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this hit starts a new window.
        cache.set(key, 1, timeout)
        return 1
    except Exception:
        logger.warning("error report rate limit: cache unavailable", exc_info=True)
        return None


def reader_rate_limit_hit(*, reporter_hash: str, now: float | None = None) -> RateLimitDecision:
    """Count one report against the reader's per-minute and per-day allowance.

    Fixed windows in the "default" cache: files shared by the gunicorn workers on the
    embedded stack, Redis on the scale path. If the cache cannot count (Redis down, which
    django-redis with IGNORE_EXCEPTIONS reports as None), reports are let through: losing
    a correction is worse than a few extra rows, which merging and the editors' bulk
    actions absorb (docs/corrections.md).
    """
    now = time.time() if now is None else now
    windows = ((60, settings.CORRECTIONS_RATE_PER_MINUTE), (86400, settings.CORRECTIONS_RATE_PER_DAY))
    for seconds, limit in windows:
        bucket = int(now // seconds)
        count = _count_hit(f"corrections:rate:{seconds}:{bucket}:{reporter_hash}", seconds + 60)
        if count is None:
            return RateLimitDecision(allowed=True, degraded=True)
        if count > limit:
            return RateLimitDecision(
                allowed=False, retry_after=max(1, math.ceil((bucket + 1) * seconds - now))
            )
    return RateLimitDecision(allowed=True)


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
    *, reports: QuerySet[ErrorReport], status: str, user: AbstractBaseUser, now: datetime | None = None
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
    user: AbstractBaseUser | None,
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
    transaction.on_commit(page_cache_purge)
    return note


def correction_note_unpublish(*, note: CorrectionNote) -> None:
    CorrectionNote.objects.filter(pk=note.pk).update(published=False)
    transaction.on_commit(page_cache_purge)


@transaction.atomic
def error_report_fix(
    *,
    report: ErrorReport,
    user: AbstractBaseUser,
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


# --- Telling the editors ---------------------------------------------------------------


@dataclass
class DigestTally:
    claimed: int = 0
    sent: int = 0
    reports: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"digests claimed {self.claimed}, sent {self.sent} ({self.reports} reports), failed {self.failed}"
        )


def _digest_claim(*, locale_id: int, now: datetime) -> ErrorReportDigest | None:
    with transaction.atomic():
        digest = ErrorReportDigest.objects.create(locale_id=locale_id, created_at=now)
        claimed = ErrorReport.objects.filter(
            locale_id=locale_id, status=ErrorReportStatus.NEW, digest__isnull=True
        ).update(digest=digest)
        if not claimed:
            digest.delete()
            return None
    return digest


def _digest_lease(*, digest: ErrorReportDigest, now: datetime) -> bool:
    """Take the digest for delivery unless another run is delivering it right now."""
    taken = (
        ErrorReportDigest.objects.filter(pk=digest.pk, sent_at__isnull=True)
        .filter(Q(attempted_at__isnull=True) | Q(attempted_at__lt=now - DIGEST_LEASE))
        .update(attempted_at=now, attempts=F("attempts") + 1)
    )
    return taken == 1


def _admin_url(name: str, *args: object) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def _digest_deliver(*, digest: ErrorReportDigest, now: datetime) -> int:
    reports = list(
        digest.reports.filter(status=ErrorReportStatus.NEW)
        .select_related("article")
        .order_by("created_at", "pk")
    )
    recipients = [user.email for user in edition_editors(locale=digest.locale)]
    if reports and recipients:
        language = digest.locale.language_code
        edition = edition_get(language_code=language)
        with translation.override(language):
            context = {
                "edition": edition,
                "edition_name": edition.name if edition else language,
                "reports": [
                    {"report": report, "url": _admin_url("corrections_admin:detail", report.pk)}
                    for report in reports[:DIGEST_LISTED_REPORTS]
                ],
                "count": len(reports),
                "more": max(0, len(reports) - DIGEST_LISTED_REPORTS),
                "inbox_url": _admin_url("corrections_admin:index") + f"?locale={digest.locale_id}",
            }
            subject = " ".join(render_to_string("corrections/email/digest_subject.txt", context).split())
            body = render_to_string("corrections/email/digest_body.txt", context)
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to=recipients).send()
    elif reports:
        logger.warning(
            "error report digest %s: edition %s has no editor with an e-mail", digest.pk, digest.locale
        )
    ErrorReportDigest.objects.filter(pk=digest.pk).update(sent_at=now, recipients=", ".join(recipients))
    return len(reports) if recipients else 0


def error_report_digests_send(*, now: datetime | None = None) -> DigestTally:
    """E-mail each edition's editors the new reports, at most once per CORRECTIONS_DIGEST_MINUTES.

    Reports are claimed into a digest row first, then the e-mail goes out, then the digest
    is stamped sent: a run that dies in between leaves a pending digest that the next run
    delivers (after DIGEST_LEASE), so no report is skipped and none is listed in two digests.
    An edition with a pending digest gets no new one until it is delivered.
    """
    now = now or timezone.now()
    tally = DigestTally()
    interval = timedelta(minutes=settings.CORRECTIONS_DIGEST_MINUTES)
    busy = set(
        ErrorReportDigest.objects.filter(
            Q(sent_at__isnull=True) | Q(created_at__gt=now - interval)
        ).values_list("locale_id", flat=True)
    )
    waiting = set(
        ErrorReport.objects.filter(status=ErrorReportStatus.NEW, digest__isnull=True).values_list(
            "locale_id", flat=True
        )
    )
    for locale_id in sorted(waiting - busy):
        if _digest_claim(locale_id=locale_id, now=now) is not None:
            tally.claimed += 1

    pending = (
        ErrorReportDigest.objects.filter(sent_at__isnull=True)
        .filter(Q(attempted_at__isnull=True) | Q(attempted_at__lt=now - DIGEST_LEASE))
        .select_related("locale")
        .order_by("pk")
    )
    for digest in pending:
        if not _digest_lease(digest=digest, now=now):
            continue
        try:
            tally.reports += _digest_deliver(digest=digest, now=now)
        except Exception:
            logger.exception("error report digest %s could not be sent; it will be retried", digest.pk)
            tally.failed += 1
            continue
        tally.sent += 1
    return tally
