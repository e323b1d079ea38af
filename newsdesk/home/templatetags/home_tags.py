from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles.models import SectionPage
from newsdesk.core.fragments import fragment_get_or_set
from newsdesk.home.selectors import edition_navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def edition_navigation_menu(context: dict[str, Any]) -> SafeString:
    """The edition's sections; rendered once per generation and current section (the only
    pages that mark themselves current in it), not once per page."""
    request = context.get("request")
    code = translation.get_language() or "ru"
    page = context.get("page")
    current = request.path if request is not None and isinstance(page, SectionPage) else ""

    def render() -> str:
        navigation = edition_navigation(request=request, language_code=code)
        return render_to_string(
            "home/navigation.html", navigation | {"current_path": current, "request": request}
        )

    return mark_safe(  # noqa: S308 - rendered by the template engine, which escapes
        fragment_get_or_set("navigation", (code, current), render, request=request)
    )
