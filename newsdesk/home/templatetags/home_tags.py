from typing import Any

from django import template
from django.utils import translation

from newsdesk.home.selectors import edition_navigation

register = template.Library()


@register.inclusion_tag("home/navigation.html", takes_context=True)
def edition_navigation_menu(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    code = translation.get_language() or "ru"
    return edition_navigation(request=request, language_code=code) | {"request": request}
