"""Writes: counting a reader's view, flushing buffered counts, pruning old rows."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.utils import timezone

from newsdesk.articles.models import ArticlePage
from newsdesk.core.readers import almaty_today, daily_salts_forget, reader_from_request

from .counters import ArticleRef, FlushTally, Outcome, counter_get
from .models import ArticleDailyViews, FlushedBatch, NetworkBurstFlag, NetworkWindow, ReaderSeen
from .readers import request_is_prefetch, user_agent_is_bot

# Why a request was not counted (the beacon's JSON "reason"; tests compare against these).
REASON_BOT = "bot"
REASON_PREFETCH = "prefetch"

# Applied-batch records only need to outlive the flusher's next run; a week is plenty.
FLUSHED_BATCH_KEEP = timedelta(days=7)


class ArticleNotFound(Exception):
    """No live article has this id (unknown, draft, unpublished or not an article)."""


@dataclass(frozen=True)
class ViewResult:
    article_id: int
    counted: bool
    reason: str
    views: int  # what the page shows: the article's initial count plus every counted view


_SENTINEL_ID = -7_919_000_001


@lru_cache(maxsize=2)
def _live_article_sql(alias: str) -> tuple[str, list[Any], int]:
    """The SQL of `ArticlePage.objects.published().filter(pk=...)`, compiled once.

    Every beacon asks it; compiling the ORM query each time costs more than running it.
    Built from the manager, so "published" keeps a single definition.
    """
    queryset = (
        ArticlePage.objects.published()
        .filter(pk=_SENTINEL_ID)
        .values_list("pk", "locale_id", "initial_view_count")
        .order_by()
    )
    sql, params = queryset.query.get_compiler(using=alias).as_sql()
    params = list(params)
    return sql, params, params.index(_SENTINEL_ID)


# Live articles this process has seen recently: {id: (ref, initial count, valid until)}.
# Every beacon needs the answer, and a popular story gets thousands a minute. Unpublishing
# or deleting forgets the article in this process at once (signal_handlers.py); another
# process may still count it for up to LIVE_ARTICLE_SECONDS, views of a page the reader
# opened while it was live. Unknown and non-live ids are never remembered.
LIVE_ARTICLE_SECONDS = 10.0
LIVE_ARTICLES_MAX = 20_000
_live_articles: dict[int, tuple[ArticleRef, int, float]] = {}


def live_article_forget(*, article_id: int | None = None) -> None:
    if article_id is None:
        _live_articles.clear()
    else:
        _live_articles.pop(article_id, None)


def article_ref_live(*, article_id: int) -> tuple[ArticleRef, int]:
    """The live article behind a beacon and its initial view count, or ArticleNotFound."""
    known = _live_articles.get(article_id)
    if known is not None and known[2] > time.monotonic():
        return known[0], known[1]
    ref, initial = _article_ref_query(article_id)
    if len(_live_articles) >= LIVE_ARTICLES_MAX:
        _live_articles.clear()
    _live_articles[article_id] = (ref, initial, time.monotonic() + LIVE_ARTICLE_SECONDS)
    return ref, initial


def _article_ref_query(article_id: int) -> tuple[ArticleRef, int]:
    sql, params, slot = _live_article_sql(connection.alias)
    params = [*params]
    params[slot] = article_id
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise ArticleNotFound(article_id)
    return ArticleRef(id=row[0], edition_id=row[1]), row[2]


def article_view_record(*, article_id: int, request: HttpRequest, now: datetime | None = None) -> ViewResult:
    """Count a reader's view of a live article, unless it is not a reader's view.

    Bots, prefetches and prerenders are answered with the current count and not counted;
    repeats and readers over their cap are decided by the counter backend.
    """
    now = now or timezone.now()
    article, initial = article_ref_live(article_id=article_id)
    reason = ""
    if request_is_prefetch(request):
        reason = REASON_PREFETCH
    elif user_agent_is_bot(request.META.get("HTTP_USER_AGENT", "")):
        reason = REASON_BOT
    counter = counter_get()
    if reason:
        counted = counter.counts(article_ids=[article.id])[article.id]
        return ViewResult(article_id=article.id, counted=False, reason=reason, views=initial + counted)
    reader = reader_from_request(request, now=now)
    try:
        outcome, counted = counter.record(article=article, reader=reader, now=now)
    except IntegrityError as exc:
        # The article was deleted between the liveness check and the write.
        raise ArticleNotFound(article_id) from exc
    return ViewResult(
        article_id=article.id,
        counted=outcome is Outcome.COUNTED,
        reason=outcome.value,
        views=initial + counted,
    )


def views_flush(*, now: datetime | None = None) -> FlushTally:
    """Move buffered counts into the database and forget what is no longer needed: expired
    "reader seen" rows, finished burst windows, finished days' salts, old records of
    applied batches."""
    now = now or timezone.now()
    tally = counter_get().flush()
    ReaderSeen.objects.filter(expires_at__lte=now).delete()
    window_over = int(now.timestamp()) - settings.ANALYTICS_NETWORK_BURST_SECONDS
    NetworkWindow.objects.filter(window_start__lt=window_over).delete()
    daily_salts_forget(today=almaty_today(now))
    FlushedBatch.objects.filter(applied_at__lt=now - FLUSHED_BATCH_KEEP).delete()
    return tally


@dataclass(frozen=True)
class PruneTally:
    cutoff: date
    rows: int
    views: int
    deleted: bool

    def __str__(self) -> str:
        verb = "deleted" if self.deleted else "would delete"
        return f"{verb} {self.rows} daily rows before {self.cutoff.isoformat()} ({self.views} views); totals kept"


def daily_views_prune(*, keep_days: int, today: date | None = None, dry_run: bool = False) -> PruneTally:
    """Delete daily rows (and inflation flags) older than `keep_days` Almaty days; article
    totals stay as they are."""
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    cutoff = (today or almaty_today()) - timedelta(days=keep_days - 1)
    old = ArticleDailyViews.objects.filter(day__lt=cutoff)
    summary = old.aggregate(rows=Count("pk"), views=Sum("views"))
    rows, views = summary["rows"], summary["views"] or 0
    if not dry_run:
        if rows:
            old.delete()
        NetworkBurstFlag.objects.filter(day__lt=cutoff).delete()
    return PruneTally(cutoff=cutoff, rows=rows, views=views, deleted=not dry_run)
