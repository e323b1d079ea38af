"""The view beacon, its no-script pixel, and the edition's most-viewed page."""

from __future__ import annotations

import base64
import contextlib
import json
import socket

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from newsdesk.core.http import json_error, request_is_cross_site

from .selectors import PERIODS, UnknownPeriod, article_list_most_viewed_for_period, period_get
from .services import ArticleNotFound, ViewResult, article_view_record

# Error messages of the beacon (tests compare against these constants), and their codes.
ERROR_METHOD = "Report a view with POST."
ERROR_TOO_LARGE = "The body is too large for a view report."
ERROR_SLOW_BODY = "The body of the view report did not arrive in time."
ERROR_BAD_JSON = 'The body must be a JSON object such as {"article": 123}.'
ERROR_ARTICLE_ID = '"article" must be a positive integer: the id of the article read.'
ERROR_NOT_FOUND = "No live article has this id."
ERROR_CROSS_SITE = "Views can only be reported by this site's own pages."
ERROR_PERIOD = gettext_noop("Unknown period: use day, week or month.")
CODES = {
    ERROR_METHOD: "method_not_allowed",
    ERROR_TOO_LARGE: "too_large",
    ERROR_SLOW_BODY: "body_timeout",
    ERROR_BAD_JSON: "bad_json",
    ERROR_ARTICLE_ID: "bad_article",
    ERROR_NOT_FOUND: "not_found",
    ERROR_CROSS_SITE: "cross_site",
}

MAX_BODY = 1024
MAX_ID = 2**63 - 1
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _error(message: str, status: int, **extra: object) -> JsonResponse:
    return json_error(status=status, code=CODES[message], message=message, **extra)


class BodyTooSlow(Exception):
    """The client declared a body and did not send it within ANALYTICS_BEACON_READ_SECONDS."""


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # as Django reads it: no body


def _body_read(request: HttpRequest) -> bytes:
    """The body, each wait for the client bounded by ANALYTICS_BEACON_READ_SECONDS.

    Behind gunicorn a client that declares a body and sends less would otherwise hold a
    worker thread until it gives up (40 such sockets took every thread, issue 15): gunicorn
    hands the app its socket, and a timeout on it bounds the read.
    """
    sock = request.META.get("gunicorn.socket")
    if sock is None:  # runserver, the test client: nothing to bound
        return request.body
    previous = sock.gettimeout()
    sock.settimeout(settings.ANALYTICS_BEACON_READ_SECONDS)
    try:
        return request.body
    except UnreadablePostError as exc:  # Django's wrapping of the socket's TimeoutError
        raise BodyTooSlow from exc
    finally:
        with contextlib.suppress(OSError):
            sock.settimeout(previous)


def _stop_reading(request: HttpRequest) -> None:
    """Read nothing more from this connection: the answer goes out and gunicorn closes it
    at once, instead of holding the thread to drain a body that may never come."""
    sock = request.META.get("gunicorn.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RD)


def _result_json(result: ViewResult) -> JsonResponse:
    status = 429 if result.reason == "rate_limited" else 200
    return JsonResponse(
        {
            "article": result.article_id,
            "counted": result.counted,
            "reason": result.reason,
            "views": result.views,
        },
        status=status,
    )


def _article_id(payload: object) -> int | None:
    if not isinstance(payload, dict):
        return None
    value = payload.get("article")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


@csrf_exempt  # cached article pages carry no token; the Origin check below protects it
@never_cache
def view_beacon(request: HttpRequest) -> HttpResponse:
    """POST {"article": id} from the article page's script: count the view, return the count."""
    if request.method != "POST":
        response = _error(ERROR_METHOD, 405)
        response["Allow"] = "POST"
        return response
    if request_is_cross_site(request):
        return _error(ERROR_CROSS_SITE, 403)
    if _declared_length(request) > MAX_BODY:  # at once, without reading it
        _stop_reading(request)
        return _error(ERROR_TOO_LARGE, 413)
    try:
        body = _body_read(request)
    except BodyTooSlow:
        _stop_reading(request)
        return _error(ERROR_SLOW_BODY, 408)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(ERROR_BAD_JSON, 400)
    if not isinstance(payload, dict):
        return _error(ERROR_BAD_JSON, 400)
    article_id = _article_id(payload)
    if article_id is None:
        return _error(ERROR_ARTICLE_ID, 400)
    try:
        result = article_view_record(article_id=article_id, request=request)
    except ArticleNotFound:
        return _error(ERROR_NOT_FOUND, 404, article=article_id)
    return _result_json(result)


@csrf_exempt  # any other method is a 405, not the CSRF failure page
@require_safe
@never_cache
def view_pixel(request: HttpRequest, article_id: int) -> HttpResponse:
    """The no-script fallback: `<img src=".../pixel/<id>.gif">` inside `<noscript>`.

    A GET that counts, deliberately: an image is the only request a page without
    JavaScript makes. Bots, prefetches and cross-site embeds get the image and count
    nothing, like the beacon; repeats are deduplicated the same way. No article has an id
    past a bigint: 404.
    """
    status = 200
    if article_id > MAX_ID:
        status = 404
    elif not request_is_cross_site(request):
        try:
            article_view_record(article_id=article_id, request=request)
        except ArticleNotFound:
            status = 404
    return HttpResponse(PIXEL, content_type="image/gif", status=status)


@never_cache
@require_safe
def ping(request: HttpRequest) -> HttpResponse:
    """A health check through the whole middleware stack, touching no database.

    benchmarks/bench_views.py uses it as the ceiling of a Django view on the same server.
    """
    return JsonResponse({"ok": True})


def most_viewed_page(request: HttpRequest) -> HttpResponse:
    """/<edition>/most-viewed/?period=day|week|month"""
    code = translation.get_language() or "ru"
    context: dict[str, object] = {"periods": PERIODS.values(), "edition_code": code}
    try:
        period = period_get(request.GET.get("period"))
    except UnknownPeriod:
        context.update(error=_(ERROR_PERIOD), period=None, articles=[])
        return render(request, "analytics/most_viewed_page.html", context, status=400)
    context.update(period=period, articles=article_list_most_viewed_for_period(edition=code, period=period))
    return render(request, "analytics/most_viewed_page.html", context)
