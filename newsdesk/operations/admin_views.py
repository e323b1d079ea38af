"""The lateness warning's data for the banner script (any user of the admin may ask)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from .messages import lateness_messages
from .selectors import lateness_get


@require_safe
def lateness_view(request: HttpRequest) -> JsonResponse:
    late_minutes = settings.OPERATIONS_LATE_SECONDS // 60
    response = JsonResponse({"warnings": lateness_messages(lateness_get(), late_minutes=late_minutes)})
    add_never_cache_headers(response)
    return response
