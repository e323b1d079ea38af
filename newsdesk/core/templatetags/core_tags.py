from datetime import datetime

from django import template

from newsdesk.core.timezone import format_almaty, to_almaty

register = template.Library()


@register.filter
def almaty_datetime(value: datetime | None) -> str:
    """Render a stored UTC datetime as the agency's date line: `22.08.2021, 08:42`."""
    return format_almaty(value)


@register.filter
def almaty_iso(value: datetime | None) -> str:
    """ISO 8601 with the Almaty offset, for <time datetime> and structured data."""
    return to_almaty(value).isoformat() if value else ""
