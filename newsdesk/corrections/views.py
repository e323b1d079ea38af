"""Readers' side: the JSON endpoint behind Ctrl+Enter and the no-script form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from newsdesk.articles.models import ArticlePage
from newsdesk.core.http import client_ip, json_error, origin_is_ours, request_from_own_page
from newsdesk.core.ratelimit import RateLimitDecision
from newsdesk.editions.latin_html import text_to_latin
from newsdesk.editions.scripts import LATIN_PREFIX

from .models import COMMENT_MAX_LENGTH, SELECTION_MAX_LENGTH, SUGGESTION_MAX_LENGTH
from .selectors import article_for_report
from .services import (
    ARTICLE_NOT_FOUND,
    HONEYPOT_FIELD,
    ErrorReportInput,
    ErrorReportInvalid,
    error_report_article_id_clean,
    error_report_input_clean,
    error_report_rate_limit_hit,
    error_report_reader_hash,
    error_report_submit,
)

WRONG_METHOD = _("Send the report with a POST request.")
WRONG_CONTENT_TYPE = _("Send the report as JSON (Content-Type: application/json).")
BODY_TOO_LARGE = _("The report is too large.")
BODY_NOT_JSON = _("The report is not valid JSON.")
BODY_NOT_OBJECT = _("The report must be a JSON object.")
BODY_TOO_DEEP = _("The report is nested too deeply: send a flat JSON object.")
CROSS_SITE = _("Error reports can only be sent from the pages of this site.")
RATE_LIMITED = _("You have sent many reports in a short time. Please try again later.")
REPORT_RECEIVED = _("Thank you! The editors will look into it.")

MAX_BODY_BYTES = 16 * 1024


# --- Who is asking ---------------------------------------------------------------------


def request_rate_limit_hit(request: HttpRequest) -> tuple[str, RateLimitDecision]:
    """The reader's hash, and whether they (and their network) may send one more report."""
    ip = client_ip(request)
    reporter = error_report_reader_hash(ip=ip, user_agent=request.META.get("HTTP_USER_AGENT", ""))
    return reporter, error_report_rate_limit_hit(ip=ip, reporter_hash=reporter)


# --- The JSON endpoint -----------------------------------------------------------------


def _error(status: int, code: str, message: Promise | str, field: str = "") -> JsonResponse:
    return json_error(status=status, code=code, message=message, field=field)


def _received() -> JsonResponse:
    return JsonResponse({"status": "received", "message": str(REPORT_RECEIVED)}, status=202)


def _load_json(request: HttpRequest) -> Mapping[str, object] | JsonResponse:
    if request.content_type != "application/json":
        return _error(415, "unsupported_media_type", WRONG_CONTENT_TYPE)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES or len(body := request.body) > MAX_BODY_BYTES:
        return _error(413, "too_large", BODY_TOO_LARGE)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(400, "invalid_json", BODY_NOT_JSON)
    except RecursionError:
        # A few hundred nested `[` fit in MAX_BODY_BYTES and exhaust the parser's stack.
        return _error(400, "invalid_json", BODY_TOO_DEEP)
    if not isinstance(data, dict):
        return _error(400, "invalid_json", BODY_NOT_OBJECT)
    return data


def _article_from(data: Mapping[str, object]) -> ArticlePage | JsonResponse:
    try:
        article_id = error_report_article_id_clean(value=data.get("article"))
    except ErrorReportInvalid as exc:
        return _error(400, exc.code, exc.message, exc.field)
    article = article_for_report(article_id=article_id)
    if article is None:
        return _error(404, "article_not_found", ARTICLE_NOT_FOUND, "article")
    return article


# The article page is cached whole and must carry no per-reader token (PITFALLS 2), so
# Django's CSRF token cannot protect this anonymous endpoint. request_from_own_page()
# does instead; and since only application/json is accepted, a cross-site <form> cannot
# post here at all and a cross-site fetch would need a CORS preflight we never grant.
@csrf_exempt
def error_report_api(request: HttpRequest) -> HttpResponse:
    """POST /api/corrections/reports/?lang=<edition>: a reader's report as JSON.

    202 stored (or merged); 400 invalid, with {"error", "message", "field"}; 403 cross-site;
    404 unknown or unpublished article; 405/413/415 for the wrong kind of request; 429
    with Retry-After when the reader has sent too many. Messages are in the article's
    language, or in `lang` (the page's, sent by the script) until the article is known.
    """
    language = request.GET.get("lang", "")
    latin = language.lower() == "kk-latn" or _sent_from_latin_page(request)
    language = "kk" if latin else language
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        response = _error_report_api(request)
    if latin and isinstance(response, JsonResponse):
        # The reader is on the Kazakh Latin page (issue 13): the dialog's answer in Latin too.
        answer = json.loads(response.content)
        if isinstance(answer.get("message"), str) and answer.get("message"):
            answer["message"] = text_to_latin(answer["message"])
            response.content = json.dumps(answer).encode()
    return response


def _sent_from_latin_page(request: HttpRequest) -> bool:
    """The page the script runs on, as the browser names it (same origin: the full URL)."""
    return urlsplit(request.headers.get("Referer", "")).path.startswith(LATIN_PREFIX)


def _error_report_api(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", WRONG_METHOD)
        response["Allow"] = "POST"
        return response
    if not request_from_own_page(request):
        return _error(403, "cross_site", CROSS_SITE)
    data = _load_json(request)
    if isinstance(data, JsonResponse):
        return data
    if data.get(HONEYPOT_FIELD):
        # A bot filled in the field readers never see: it learns nothing, nothing is stored.
        return _received()
    article = _article_from(data)
    if isinstance(article, JsonResponse):
        return article
    with translation.override(article.locale.language_code):
        try:
            report = error_report_input_clean(
                data=data, origin_is_ours=lambda origin: origin_is_ours(request, origin)
            )
        except ErrorReportInvalid as exc:
            return _error(400, exc.code, exc.message, exc.field)
        reporter, decision = request_rate_limit_hit(request)
        if not decision.allowed:
            response = _error(429, "rate_limited", RATE_LIMITED)
            response["Retry-After"] = str(decision.retry_after)
            return response
        error_report_submit(article=article, data=report, reporter_hash=reporter)
        return _received()


# --- The no-script form ----------------------------------------------------------------


class ErrorReportForm(forms.Form):
    """The plain form the hint links to. Limits and messages come from the same service
    as the endpoint's (error_report_input_clean), so both say the same thing."""

    selected_text = forms.CharField(
        label=_("Text with the error"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": SELECTION_MAX_LENGTH}),
    )
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
    )
    suggestion = forms.CharField(
        label=_("Suggested correction (optional)"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": SUGGESTION_MAX_LENGTH}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, article: ArticlePage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.article = article
        self.report: ErrorReportInput | None = None

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        try:
            self.report = error_report_input_clean(data={**cleaned, "article": self.article.pk})
        except ErrorReportInvalid as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        return cleaned


def _form_url(article: ArticlePage, **params: str) -> str:
    with translation.override(article.locale.language_code):
        path = reverse("corrections_edition:report_form")
    return f"{path}?{urlencode({'article': article.pk, **params})}"


@never_cache
def error_report_form(request: HttpRequest) -> HttpResponse:
    """GET/POST /<lang>/report-error/?article=<id>: the hint's link for readers without scripts.

    Not article HTML, so it may carry a CSRF token; never cached (the token is per reader).
    """
    try:
        article_id = error_report_article_id_clean(value=request.GET.get("article"))
    except ErrorReportInvalid as exc:
        raise Http404(str(exc.message)) from exc
    article = article_for_report(article_id=article_id)
    if article is None:
        raise Http404(str(ARTICLE_NOT_FOUND))
    if article.locale.language_code != translation.get_language():
        return HttpResponseRedirect(_form_url(article))

    status = 200
    retry_after = None
    if request.method == "POST":
        form = ErrorReportForm(request.POST, article=article)
        if form.is_valid() and form.report is not None:
            if form.report.is_bot:
                return HttpResponseRedirect(_form_url(article, sent="1"))
            reporter, decision = request_rate_limit_hit(request)
            if decision.allowed:
                error_report_submit(article=article, data=form.report, reporter_hash=reporter)
                return HttpResponseRedirect(_form_url(article, sent="1"))
            form.add_error(None, str(RATE_LIMITED))
            status, retry_after = 429, decision.retry_after
        else:
            status = 400
    else:
        form = ErrorReportForm(
            initial={"selected_text": request.GET.get("text", "")[:SELECTION_MAX_LENGTH]}, article=article
        )
    response = render(
        request,
        "corrections/report_form.html",
        {
            "article": article,
            "form": form,
            "sent": request.method == "GET" and request.GET.get("sent") == "1",
            "received_message": REPORT_RECEIVED,
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
