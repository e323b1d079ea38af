from typing import Any

from django import template

from newsdesk.related.selectors import article_list_related

register = template.Library()


@register.inclusion_tag("related/related_block.html")
def related_articles(page: Any) -> dict[str, Any]:
    return {"articles": article_list_related(article=page)}
