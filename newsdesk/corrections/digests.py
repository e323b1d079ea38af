"""Telling the editors: at most one e-mail digest of new reports per edition and interval.

See docs/corrections.md ("Digest") for why reports are claimed before the e-mail goes out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from newsdesk.core.editors import edition_editors
from newsdesk.editions.selectors import edition_get

from .models import ErrorReport, ErrorReportDigest, ErrorReportStatus

logger = logging.getLogger(__name__)

DIGEST_LEASE = timedelta(minutes=5)
DIGEST_LISTED_REPORTS = 50


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
