from typing import Any

from django import template

from newsdesk.analytics.selectors import article_list_most_viewed, article_view_count

register = template.Library()


@register.simple_tag
def view_count(page: Any) -> int:
    return article_view_count(article=page)


@register.inclusion_tag("analytics/most_viewed_block.html")
def most_viewed(page: Any) -> dict[str, Any]:
    return {"articles": article_list_most_viewed(edition=page.locale_id), "current": page}


@register.simple_tag
def view_beacon(page: Any) -> str:
    """Markup and script that report a reader's view (the counting engine fills this in)."""
    return ""
