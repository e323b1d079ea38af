"""Newsroom views: an article's views per day, the most-viewed report with CSV export, and
the list of suspected view inflation (views refused by the network burst detector)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale, Page

from newsdesk.articles.models import ArticlePage
from newsdesk.core.editors import editions_for_user
from newsdesk.core.timezone import to_almaty

from .models import ArticleDailyViews
from .selectors import (
    CHART_DAYS,
    PERIODS,
    article_daily_views,
    article_view_counts,
    articles_with_scores,
    burst_flags_list,
    most_viewed_scores,
    period_get,
    period_since,
    story_view_counts,
)

# Editions whose articles a user may see counts of: where they may edit pages.
REPORT_PERMISSION = "change_page"
CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 600, 180, 4


def article_for_chart(*, request: HttpRequest, page_id: int) -> ArticlePage:
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, ArticlePage):
        raise Http404("not an article")
    return page


class ArticleViewsChartView(WagtailAdminTemplateMixin, TemplateView):
    """Views per Almaty day over the last 30 days, this edition's count and the story's total."""

    template_name = "analytics/admin/article_views.html"
    header_icon = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.article = article_for_chart(request=request, page_id=kwargs["page_id"])
        if not self.article.permissions_for_user(request.user).can_edit():
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(_("Views: %(title)s") % {"title": self.article.get_admin_display_title()})

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [
            {"url": reverse("wagtailadmin_home"), "label": str(_("Home"))},
            {"url": reverse("wagtailadmin_pages:edit", args=[self.article.pk]), "label": self.article.title},
            {"url": "", "label": str(_("Views"))},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        daily = article_daily_views(article=self.article, days=CHART_DAYS)
        editions, story_total = story_view_counts(article=self.article)
        context.update(
            article=self.article,
            bars=chart_bars(daily),
            chart_width=CHART_WIDTH,
            chart_height=CHART_HEIGHT,
            peak=max((views for _, views in daily), default=0),
            period_views=sum(views for _, views in daily),
            daily=daily,
            editions=editions,
            edition_views=next(e.views for e in editions if e.article.pk == self.article.pk),
            story_total=story_total,
        )
        return context


def chart_bars(daily: list[tuple[Any, int]]) -> list[dict[str, Any]]:
    """Geometry of a plain SVG bar chart (no script, no library)."""
    peak = max((views for _, views in daily), default=0) or 1
    slot = CHART_WIDTH / max(len(daily), 1)
    bars = []
    for index, (day, views) in enumerate(daily):
        height = round(CHART_HEIGHT * views / peak, 1)
        bars.append(
            {
                "day": day,
                "views": views,
                "x": round(index * slot + BAR_GAP / 2, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "width": round(slot - BAR_GAP, 1),
                "height": height,
            }
        )
    return bars


class MostViewedFilterSet(WagtailFilterSet):
    edition = django_filters.ChoiceFilter(label=_("Edition"), empty_label=_("All editions"), method="keep")
    period = django_filters.ChoiceFilter(
        label=_("Period"),
        choices=[(p.key, p.label) for p in PERIODS.values()],
        empty_label=None,
        method="keep",
    )

    def __init__(self, *args: Any, editions: list[Locale], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["edition"].extra["choices"] = [
            (loc.language_code, loc.get_display_name()) for loc in editions
        ]

    def keep(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset  # the view builds its aggregate from the cleaned values

    class Meta:
        model = ArticleDailyViews
        fields: list[str] = []


class MostViewedReportView(ReportView):
    """Most viewed articles of the editions the user edits, per period, with CSV/XLSX export."""

    page_title = _("Most viewed")
    header_icon = "view"
    index_url_name = "analytics_most_viewed_report"
    index_results_url_name = "analytics_most_viewed_report_results"
    filterset_class = MostViewedFilterSet
    paginate_by = 50
    export_filename = "most-viewed"
    columns = [
        TitleColumn(
            "title",
            label=_("Article"),
            get_url=lambda article: reverse("analytics_article_views", args=[article.pk]),
        ),
        Column("edition", label=_("Edition"), accessor="locale.language_code"),
        Column("published", label=_("Published"), accessor="published_display"),
        NumberColumn("views_in_period", label=_("Views in period")),
        NumberColumn("views_total", label=_("Views in all")),
    ]
    list_export = [
        "title",
        "locale.language_code",
        "published_display",
        "views_in_period",
        "views_total",
        "full_url",
    ]
    export_headings = {
        "title": _("Article"),
        "locale.language_code": _("Edition"),
        "published_display": _("Published (Almaty)"),
        "views_in_period": _("Views in period"),
        "views_total": _("Views in all"),
        "full_url": _("URL"),
    }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.editions = editions_for_user(user=request.user, permission=REPORT_PERMISSION)
        if not self.editions:
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs()
        kwargs["editions"] = self.editions
        return kwargs

    def filter_queryset(self, queryset: Any) -> Any:
        return queryset

    def get_queryset(self) -> Any:
        cleaned = self.filters.form.cleaned_data if self.filters and self.filters.is_valid() else {}
        period = period_get(cleaned.get("period") or None)
        allowed = {loc.language_code: loc for loc in self.editions}
        chosen = cleaned.get("edition")
        edition_ids = [allowed[chosen].pk] if chosen in allowed else [loc.pk for loc in self.editions]
        self.period = period
        return most_viewed_scores(since=period_since(period=period)).filter(edition_id__in=edition_ids)

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        # The table is built from the page's rows: give it articles, not score rows.
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        return paginator, page, self.decorate_paginated_queryset(object_list), is_paginated

    def decorate_paginated_queryset(self, object_list: Any) -> list[ArticlePage]:
        rows = list(object_list)
        if rows and isinstance(rows[0], ArticlePage):
            return rows  # already done by paginate_queryset
        articles = articles_with_scores(rows)
        totals = article_view_counts(articles=articles)
        for article in articles:
            article.views_total = totals[article.pk]
            article.published_display = (
                to_almaty(article.published_at).strftime("%Y-%m-%d %H:%M") if article.published_at else ""
            )
        return articles

    def as_spreadsheet(self, queryset: Any, spreadsheet_format: str) -> HttpResponse:
        response = super().as_spreadsheet(queryset, spreadsheet_format)
        if not response.streaming:
            return response
        # Wagtail streams the CSV after the request's language is gone; build it now so that
        # the headings are in the editor's language.
        eager = HttpResponse(b"".join(response.streaming_content), content_type=response["Content-Type"])
        eager["Content-Disposition"] = response["Content-Disposition"]
        return eager

    def get_page_subtitle(self) -> str:
        return str(getattr(self, "period", PERIODS["week"]).label)


class BurstFlagReportView(ReportView):
    """Articles that one network sent too many new readers at once: suspected inflation.

    The network is its salted digest of the day (never an address): rows with the same
    digest on the same day came from the same IPv4 address or IPv6 /64.
    """

    page_title = _("Suspected view inflation")
    header_icon = "warning"
    index_url_name = "analytics_burst_report"
    index_results_url_name = "analytics_burst_report_results"
    paginate_by = 50
    columns = [
        TitleColumn(
            "article",
            label=_("Article"),
            accessor="article.title",
            get_url=lambda flag: reverse("analytics_article_views", args=[flag.article_id]),
        ),
        Column("edition", label=_("Edition"), accessor="edition.language_code"),
        Column("day", label=_("Day (Almaty)")),
        Column("network", label=_("Network (digest of the day)")),
        NumberColumn("refused", label=_("Views refused")),
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.editions = editions_for_user(user=request.user, permission=REPORT_PERMISSION)
        if not self.editions:
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return burst_flags_list(edition_ids=[loc.pk for loc in self.editions])
