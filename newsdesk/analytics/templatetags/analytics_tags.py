from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from newsdesk.analytics.selectors import (
    article_list_most_viewed_for_period,
    article_view_count,
    most_viewed_lists_generation,
    period_get,
)
from newsdesk.core.fragments import fragment_get_or_set

register = template.Library()


@register.simple_tag
def view_count(page: Any) -> int:
    """The article's views as readers see them: imported count plus every counted view."""
    return article_view_count(article=page)


@register.simple_tag(takes_context=True)
def most_viewed(context: dict[str, Any], page: Any) -> SafeString:
    """The edition's most viewed articles (block on article and front pages).

    Rendered once per list (it is recomputed at most every minute, and at once when an
    article changes) and per marked article: the pages of the articles in the list show it
    with their own entry marked, every other page shows the same block.
    """
    request = context.get("request")
    period = period_get(settings.ANALYTICS_MOST_VIEWED_BLOCK_PERIOD)
    seconds = min(settings.ANALYTICS_MOST_VIEWED_CACHE_SECONDS, 60)
    vary = (most_viewed_lists_generation(request=request), page.locale_id, period.key)

    def articles() -> list[Any]:
        return article_list_most_viewed_for_period(edition=page.locale_id, period=period)

    ids = fragment_get_or_set(
        "most-viewed-ids", vary, lambda: [a.pk for a in articles()], request=request, timeout=seconds
    )
    current = page if page.pk in ids else None

    def render() -> str:
        return render_to_string(
            "analytics/most_viewed_block.html",
            {"articles": articles(), "current": current, "period": period},
        )

    html = fragment_get_or_set(
        "most-viewed", (*vary, current.pk if current else ""), render, request=request, timeout=seconds
    )
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes


@register.inclusion_tag("analytics/view_beacon.html", takes_context=True)
def view_beacon(context: dict[str, Any], page: Any) -> dict[str, Any]:
    """The script that reports a reader's view, and its no-script pixel.

    Left out of editors' previews, which are not views. The markup holds only the
    article id: the page stays the same for every reader and can be cached whole.
    """
    request = context.get("request")
    if request is None or getattr(request, "is_preview", False) or not getattr(page, "live", False):
        return {"article_id": None}
    return {"article_id": page.pk}
