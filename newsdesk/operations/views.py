"""/healthz and /readyz: for load balancers and orchestrators, never cached, no templates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from .health import readiness_checks


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers: touches neither the database nor a cache."""
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Whether this process can serve: database, both caches, scheduler and workers' heartbeats.

    503 names the failing checks, so a probe's log says what to fix.
    """
    results = readiness_checks()
    failing = [result.name for result in results if not result.ok]
    response = JsonResponse(
        {
            "status": "fail" if failing else "ok",
            "failing": failing,
            "checks": {result.name: result.as_dict() for result in results},
        },
        status=503 if failing else 200,
    )
    add_never_cache_headers(response)
    return response
