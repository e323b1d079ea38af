"""The site's identity for browsers and phones (issue 14): each edition's web app manifest,
and /favicon.ico for clients that ask for it without reading the page's <link rel="icon">."""

from __future__ import annotations

import json
from functools import cache

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.http import require_safe

from .latin_html import text_to_latin
from .scripts import LATIN_LANGUAGE_TAG, latin_url, request_is_latin
from .selectors import edition_get_for_request, edition_homes

# The icons' navy (newsdesk/static/img/, drawn once from the wordmark's colours).
THEME_COLOUR = "#103063"
BACKGROUND_COLOUR = "#ffffff"
# Home screens cut labels at about 12 characters.
SHORT_NAME_MAX = 12
FAVICON = "img/favicon.ico"


def manifest_short_name(name: str) -> str:
    """The first word ("Kazakhstan" of "Kazakhstan Today") when the whole name is too long."""
    return name if len(name) <= SHORT_NAME_MAX else name.split()[0]


@require_safe
def edition_manifest(request: HttpRequest) -> HttpResponse:
    """/<lang>/manifest.webmanifest: the edition's name, language and home as an installable app.

    A public page like the others (the page cache keeps it; an edition's edit purges it with
    everything else)."""
    code = translation.get_language() or ""
    edition = edition_get_for_request(request=request, language_code=code)
    home = edition_homes(request=request).get(code)
    if edition is None or home is None:
        raise Http404
    start_url = home.get_url(request=request) or f"/{code}/"
    manifest = {
        "id": start_url,
        "name": edition.name,
        "short_name": manifest_short_name(edition.name),
        "description": edition.tagline,
        "lang": code,
        "dir": "ltr",
        "start_url": start_url,
        "scope": start_url,
        "display": "browser",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            # The monogram sits inside the middle 80%: safe to crop into a circle.
            {
                "src": static("img/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    if request_is_latin(request):
        manifest = manifest_in_latin(manifest)
    return HttpResponse(
        json.dumps(manifest, ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )


def manifest_in_latin(manifest: dict) -> dict:
    """The Kazakh manifest under /kk-latn/ (issue 13): its words in Latin, its language
    kk-Latn, and the app opening the Latin home."""
    name = text_to_latin(manifest["name"])
    start_url = latin_url(manifest["start_url"])
    return {
        **manifest,
        "name": name,
        "short_name": manifest_short_name(name),
        "description": text_to_latin(manifest["description"]),
        "lang": LATIN_LANGUAGE_TAG,
        "id": start_url,
        "start_url": start_url,
        "scope": start_url,
    }


@cache
def _favicon_bytes() -> bytes:
    path = finders.find(FAVICON)
    if not isinstance(path, str):
        raise RuntimeError(f"{FAVICON} is missing from the static files")
    with open(path, "rb") as icon:
        return icon.read()


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico itself, not a redirect: pages link the fingerprinted static copy (cached
    for a year); this answers feed readers, crawlers and browsers opening a non-HTML URL. It is
    a public response like a page (Cache-Control from core.middleware, kept by the page cache)."""
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")
