"""Almaty time: everything is stored in UTC and shown in Asia/Almaty (zoneinfo knows the
zone's history: UTC+6 until March 2024, UTC+5 since)."""

from datetime import datetime
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")
DISPLAY_FORMAT = "%d.%m.%Y, %H:%M"


def to_almaty(value: datetime) -> datetime:
    return value.astimezone(ALMATY)


def format_almaty(value: datetime | None) -> str:
    """`22.08.2021, 08:42`, the agency's date line, in Almaty time."""
    if value is None:
        return ""
    return to_almaty(value).strftime(DISPLAY_FORMAT)


def almaty_midnight(value: datetime) -> datetime:
    """Start of the Almaty day that contains `value` (aware)."""
    local = to_almaty(value)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
