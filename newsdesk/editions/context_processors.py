from django.http import HttpRequest
from django.utils import translation

from .selectors import edition_get_for_request


def edition(request: HttpRequest) -> dict[str, object]:
    """The edition of the current language: its name and copyright notice for the layout."""
    code = translation.get_language() or "ru"
    return {"edition": edition_get_for_request(request=request, language_code=code), "edition_code": code}
