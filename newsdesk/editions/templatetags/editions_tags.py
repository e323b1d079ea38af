from typing import Any

from django import template
from django.utils import translation

from newsdesk.editions.selectors import edition_links_for_page

register = template.Library()


@register.inclusion_tag("editions/switcher.html", takes_context=True)
def edition_switcher(context: dict[str, Any], page: Any = None) -> dict[str, Any]:
    request = context.get("request")
    links = edition_links_for_page(page=page, request=request, current=translation.get_language() or "ru")
    return {"links": links}


@register.inclusion_tag("editions/hreflang.html", takes_context=True)
def hreflang_links(context: dict[str, Any], page: Any = None) -> dict[str, Any]:
    request = context.get("request")
    links = edition_links_for_page(page=page, request=request, current=translation.get_language() or "ru")
    translated = [link for link in links if link.is_translation]
    base = request.build_absolute_uri("/").rstrip("/") if request else ""
    return {
        "links": [{"code": link.language_code, "url": base + link.url} for link in translated],
    }
