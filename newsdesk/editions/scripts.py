"""The Kazakh edition's two scripts: /kk/... in Cyrillic, the same page under /kk-latn/... in
the 2021 Latin alphabet (issue 13, docs/kazakh-latin.md)."""

from __future__ import annotations

from django.http import HttpRequest

CYRILLIC_PREFIX = "/kk/"
LATIN_PREFIX = "/kk-latn/"
LATIN_LANGUAGE_TAG = "kk-Latn"
CYRILLIC_LANGUAGE_TAG = "kk-Cyrl"
# Set on a request served under LATIN_PREFIX (its path_info is then the Cyrillic one).
LATIN_REQUEST_FLAG = "kazakh_latin"


def latin_path(path: str) -> str:
    """/kk/... -> /kk-latn/...; any other path unchanged."""
    if path.startswith(CYRILLIC_PREFIX):
        return LATIN_PREFIX + path[len(CYRILLIC_PREFIX) :]
    return LATIN_PREFIX if path == CYRILLIC_PREFIX.rstrip("/") else path


def cyrillic_path(path: str) -> str:
    """/kk-latn/... -> /kk/...; any other path unchanged."""
    if path.startswith(LATIN_PREFIX):
        return CYRILLIC_PREFIX + path[len(LATIN_PREFIX) :]
    return CYRILLIC_PREFIX if path == LATIN_PREFIX.rstrip("/") else path


def latin_url(url: str) -> str:
    """An absolute or root-relative URL of a Cyrillic page, moved to its Latin twin."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return latin_path(url)
    host, slash, path = rest.partition("/")
    return f"{scheme}://{host}{latin_path(slash + path)}"


def request_is_latin(request: HttpRequest | None) -> bool:
    return bool(request is not None and getattr(request, LATIN_REQUEST_FLAG, False))
