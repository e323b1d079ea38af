from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("corrections/hint.html")
def error_report_hint(page: Any) -> dict[str, Any]:
    return {"page": page}
