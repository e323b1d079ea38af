from typing import Any

from django import template
from django.utils import translation

from newsdesk.editions.scripts import (
    CYRILLIC_LANGUAGE_TAG,
    CYRILLIC_PREFIX,
    LATIN_LANGUAGE_TAG,
    latin_path,
    latin_url,
    request_is_latin,
)
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
    alternates = []
    for link in translated:
        alternates.append({"code": link.language_code, "url": base + link.url})
        if link.language_code == "kk":
            # The Kazakh page in both scripts (issue 13): the Latin one is its twin under /kk-latn/.
            alternates.append({"code": CYRILLIC_LANGUAGE_TAG, "url": base + link.url})
            alternates.append({"code": LATIN_LANGUAGE_TAG, "url": latin_url(base + link.url)})
    return {"links": alternates}


@register.inclusion_tag("editions/script_switcher.html", takes_context=True)
def script_switcher(context: dict[str, Any]) -> dict[str, Any]:
    """Cyrillic / Latin on the same page, for the Kazakh edition (issue 13). Outside the header
    fragment: the links are the request's own path, whichever view answers it."""
    request = context.get("request")
    if request is None or (translation.get_language() or "") != "kk":
        return {"links": []}
    path = request.path
    if not path.startswith(CYRILLIC_PREFIX):
        return {"links": []}
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    latin = request_is_latin(request)
    return {
        "links": [
            {
                "script": "cyrl",
                "tag": CYRILLIC_LANGUAGE_TAG,
                "name": "Кирилл",
                "url": path + suffix,
                "current": not latin,
            },
            {
                "script": "latn",
                "tag": LATIN_LANGUAGE_TAG,
                "name": "Latyn",
                "url": latin_path(path) + suffix,
                "current": latin,
            },
        ]
    }
