"""Reads of view counts: what a page shows, most viewed per edition, the newsroom's charts."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, ExpressionWrapper, F, FloatField, QuerySet, Sum, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from newsdesk.articles.models import ArticlePage
from newsdesk.core.fragments import generation_companion
from newsdesk.core.timezone import almaty_midnight, to_almaty

from .counters import counter_get
from .models import ArticleDailyViews, NetworkBurstFlag

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

MOST_VIEWED_LIMIT = 10
# Part of every cached most-viewed list's key: changing it drops every list at once.
MOST_VIEWED_GENERATION_KEY = "analytics:most-viewed:generation"
CHART_DAYS = 30


@dataclass(frozen=True)
class Period:
    key: str
    label: StrOrPromise
    days: int | None  # whole Almaty days ending today; None: the last 24 hours


PERIODS = {
    "day": Period("day", _("Last 24 hours"), None),
    "week": Period("week", _("Last 7 days"), 7),
    "month": Period("month", _("Last 30 days"), 30),
}
DEFAULT_PERIOD = "week"


class UnknownPeriod(ValueError):
    pass


# --- Counts shown on pages -------------------------------------------------------------


def article_view_counts(*, articles: Sequence[ArticlePage]) -> dict[int, int]:
    """What each article's page shows: its imported count plus every view counted here."""
    counted = counter_get().counts(article_ids=[a.pk for a in articles])
    return {a.pk: a.initial_view_count + counted.get(a.pk, 0) for a in articles}


def article_view_count(*, article: ArticlePage) -> int:
    return article_view_counts(articles=[article])[article.pk]


@dataclass(frozen=True)
class EditionCount:
    article: ArticlePage
    views: int


def story_view_counts(*, article: ArticlePage) -> tuple[list[EditionCount], int]:
    """Each edition's count of a story (its linked translations) and their sum.

    Every edition counts its own readers; the newsroom also wants the story's reach.
    """
    translations = list(
        ArticlePage.objects.filter(translation_key=article.translation_key)
        .select_related("locale")
        .order_by("locale_id")
    )
    counts = article_view_counts(articles=translations)
    editions = [EditionCount(article=t, views=counts[t.pk]) for t in translations]
    return editions, sum(counts.values())


def article_daily_views(
    *, article: ArticlePage, days: int = CHART_DAYS, today: date | None = None
) -> list[tuple[date, int]]:
    """Views per Almaty day for the last `days` days (today included), zeros filled in."""
    today = today or to_almaty(timezone.now()).date()
    first = today - timedelta(days=days - 1)
    stored = dict(
        ArticleDailyViews.objects.filter(article=article, day__gte=first, day__lte=today).values_list(
            "day", "views"
        )
    )
    return [(first + timedelta(days=n), stored.get(first + timedelta(days=n), 0)) for n in range(days)]


# --- Most viewed -----------------------------------------------------------------------


def period_get(key: str | None) -> Period:
    if not key:
        return PERIODS[DEFAULT_PERIOD]
    try:
        return PERIODS[key]
    except KeyError:
        raise UnknownPeriod(key) from None


def period_since(*, period: Period, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    if period.days is None:
        return now.astimezone(UTC) - timedelta(hours=24)  # in UTC: not every Almaty day has 24 hours
    return almaty_midnight(now) - timedelta(days=period.days - 1)


def _edition_filter(edition: Locale | int | str) -> dict[str, object]:
    if isinstance(edition, Locale):
        return {"edition_id": edition.pk}
    if isinstance(edition, str):
        return {"edition__language_code": edition}
    return {"edition_id": edition}


def most_viewed_scores(
    *, since: datetime, now: datetime | None = None, edition: Locale | int | str | None = None
) -> QuerySet:
    """(article_id, score) of live articles viewed since `since`, best first.

    Reads only the daily rows inside the window, through the (edition, day, article) index,
    so its cost follows the number of articles read in the window, not the number
    published. Buckets are Almaty days: a window starting inside a day (the last 24
    hours) takes that day's bucket in proportion to the part of the day inside the window,
    as if its views were spread evenly (docs/analytics.md). Imported counts
    (`initial_view_count`) are not views in any window and take no part.
    """
    now = now or timezone.now()
    start = to_almaty(since)
    first_day, today = start.date(), to_almaty(now).date()
    rows = ArticleDailyViews.objects.filter(
        day__gte=first_day, day__lte=today, article__live=True, article__published_at__isnull=False
    )
    if edition is not None:
        rows = rows.filter(**_edition_filter(edition))
    midnight = almaty_midnight(start)
    if start == midnight:
        score = Sum("views")
    else:
        next_midnight = almaty_midnight(midnight + timedelta(hours=36))
        # Elapsed time in UTC: subtracting Almaty wall times ignores the offset, and Almaty's
        # 29 February 2024 had 25 hours (UTC+6 until 1 March 00:00, UTC+5 after).
        start_utc, midnight_utc, next_utc = (t.astimezone(UTC) for t in (start, midnight, next_midnight))
        weight = (next_utc - start_utc) / (next_utc - midnight_utc)
        score = Sum(
            Case(
                When(
                    day=first_day,
                    then=ExpressionWrapper(F("views") * Value(weight), output_field=FloatField()),
                ),
                default=Cast("views", FloatField()),
                output_field=FloatField(),
            )
        )
    return (
        rows.values("article_id").annotate(score=score).filter(score__gt=0).order_by("-score", "-article_id")
    )


def articles_with_scores(scores: Sequence[dict]) -> list[ArticlePage]:
    """The articles behind score rows, in their order, each with `views_in_period` set."""
    # published() again: a second guard besides the daily rows' own live filter.
    by_id = (
        ArticlePage.objects.published()
        .for_listing()
        .defer_streamfields()
        .in_bulk([row["article_id"] for row in scores])
    )
    articles = []
    for row in scores:
        article = by_id.get(row["article_id"])
        if article is not None:
            article.views_in_period = round(row["score"])
            articles.append(article)
    return articles


def article_list_most_viewed(
    *,
    edition: Locale | int | str,
    since: datetime,
    limit: int = MOST_VIEWED_LIMIT,
    now: datetime | None = None,
) -> list[ArticlePage]:
    """The edition's most viewed live articles since `since` (two queries, uncached)."""
    return articles_with_scores(list(most_viewed_scores(since=since, now=now, edition=edition)[:limit]))


def article_list_most_viewed_for_period(
    *, edition: Locale | int | str, period: Period, limit: int = MOST_VIEWED_LIMIT
) -> list[ArticlePage]:
    """`article_list_most_viewed` over a named period, cached for at most a minute."""
    edition_key = edition.pk if isinstance(edition, Locale) else edition
    generation = cache.get(MOST_VIEWED_GENERATION_KEY, 0)
    key = f"analytics:most-viewed:v1:{generation}:{edition_key}:{period.key}:{limit}"
    articles = cache.get(key)
    if articles is None:
        now = timezone.now()
        since = period_since(period=period, now=now)
        articles = article_list_most_viewed(edition=edition, since=since, limit=limit, now=now)
        cache.set(key, articles, min(settings.ANALYTICS_MOST_VIEWED_CACHE_SECONDS, 60))
    return articles


def most_viewed_lists_generation(*, request: HttpRequest | None = None) -> int:
    """Changes whenever every cached most-viewed list is dropped: part of the key of anything
    rendered from them. With the request, as read with its fragments generation (one round
    trip for both: `analytics.apps` registers the key)."""
    return generation_companion(MOST_VIEWED_GENERATION_KEY, request=request, default=0)


def most_viewed_lists_forget() -> None:
    """Drop every cached most-viewed list (an article in one may have been withdrawn, moved or
    retitled); the next page that shows the block computes it again."""
    try:
        cache.incr(MOST_VIEWED_GENERATION_KEY)
    except ValueError:  # no generation yet (or it was evicted): any new value will do
        cache.set(MOST_VIEWED_GENERATION_KEY, time.time_ns(), None)


# --- Suspected inflation ---------------------------------------------------------------


def burst_flags_list(*, edition_ids: Sequence[int]) -> QuerySet[NetworkBurstFlag]:
    """Views refused by the network burst detector in these editions: newest day first, then
    the most refused (docs/analytics.md)."""
    return (
        NetworkBurstFlag.objects.filter(edition_id__in=edition_ids)
        .select_related("article", "edition")
        .order_by("-day", "-refused", "pk")
    )
