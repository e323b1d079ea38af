"""Django's test client with the page cache in front, as `newsdesk/wsgi.py` puts it.

`PageCacheClient().get(url)` goes through the same `PageCache` as gunicorn's requests:
a hit runs no view and no query.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.test.client import ClientHandler

from .layer import OUTCOME_HEADER, PageCache, Rendered

_cache = PageCache()


class PageCacheClientHandler(ClientHandler):
    def __call__(self, environ: dict) -> HttpResponseBase:  # type: ignore[override]
        reply = _cache.respond(environ, self._render)
        if reply.rendered is not None:
            response: HttpResponseBase = reply.rendered.original
            if reply.outcome:
                response[OUTCOME_HEADER] = reply.outcome
            for name, value in reply.entry.headers if reply.entry is not None else ():
                if name.lower() in ("etag", "last-modified"):
                    response[name] = value
            return response
        status, headers = reply.status_and_headers(time.time())
        assert reply.entry is not None
        body = b"" if reply.not_modified or reply.head else reply.entry.body
        cached = HttpResponse(body, status=int(status[:3]))
        for name, value in headers:
            cached[name] = value
        cached.wsgi_request = WSGIRequest(environ)  # type: ignore[attr-defined]
        return cached

    def _render(self, environ: dict) -> Rendered:
        response: Any = super().__call__(environ)
        headers = list(response.items())
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        body = None if response.streaming else response.content
        return Rendered(f"{response.status_code} {response.reason_phrase}", headers, body, response)


class PageCacheClient(Client):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handler = PageCacheClientHandler(enforce_csrf_checks=kwargs.get("enforce_csrf_checks", False))
