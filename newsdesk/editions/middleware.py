"""Serving /kk-latn/... : the Kazakh page rendered as /kk/... and transliterated (issue 13).

One route table for both scripts: the request's path is moved to /kk/ before Django resolves
it, so every view (Wagtail's pages, most viewed, search, the error form, feeds) answers both
without knowing about scripts; the response is then turned into Latin (`latin_html`) and its
links and redirects point back under /kk-latn/. The page cache in front of Django keys by the
path the reader asked for, so each script has its own entry (purged together: core.pagecache).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from .latin_html import html_to_latin, is_kazakh_language
from .latin_xml import feed_to_latin
from .scripts import LATIN_PREFIX, LATIN_REQUEST_FLAG, cyrillic_path, latin_url

HTML_TYPES = ("text/html",)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")


class KazakhLatinMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path_info = request.path_info
        if not (path_info.startswith(LATIN_PREFIX) or path_info == LATIN_PREFIX.rstrip("/")):
            return self.get_response(request)
        request.path_info = cyrillic_path(path_info)
        request.path = request.META.get("SCRIPT_NAME", "").rstrip("/") + request.path_info
        setattr(request, LATIN_REQUEST_FLAG, True)
        response = self.get_response(request)
        return response_to_latin(request, response)


def response_to_latin(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    origins = [settings.PUBLIC_BASE_URL, f"{request.scheme}://{request.get_host()}"]
    if "Location" in response:
        location = response["Location"]
        # Our own pages only: a redirect to another site's /kk/ stays as it is.
        if location.startswith("/") or any(
            location.startswith(origin.rstrip("/") + "/") for origin in origins
        ):
            response["Location"] = latin_url(location)
    if getattr(response, "streaming", False) or not hasattr(response, "content"):
        return response
    if response.has_header("Content-Encoding"):  # compressed: not ours to read
        return response
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    language = response.get("Content-Language", "")
    if language and not is_kazakh_language(language):
        return response
    if content_type in HTML_TYPES:
        text = response.content.decode(response.charset)
        response.content = html_to_latin(text, origins=origins).encode(response.charset)
    elif content_type in FEED_TYPES:
        text = response.content.decode(response.charset)
        response.content = feed_to_latin(text, origins=origins).encode(response.charset)
    else:
        return response
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    if "Content-Language" in response:
        response["Content-Language"] = "kk-Latn"
    return response
