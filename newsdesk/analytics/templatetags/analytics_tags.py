from typing import Any

from django import template
from django.conf import settings

from newsdesk.analytics.selectors import (
    article_list_most_viewed_for_period,
    article_view_count,
    period_get,
)

register = template.Library()


@register.simple_tag
def view_count(page: Any) -> int:
    """The article's views as readers see them: imported count plus every counted view."""
    return article_view_count(article=page)


@register.inclusion_tag("analytics/most_viewed_block.html")
def most_viewed(page: Any) -> dict[str, Any]:
    """The edition's most viewed articles (block on article and front pages)."""
    period = period_get(settings.ANALYTICS_MOST_VIEWED_BLOCK_PERIOD)
    return {
        "articles": article_list_most_viewed_for_period(edition=page.locale_id, period=period),
        "current": page,
        "period": period,
    }


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
