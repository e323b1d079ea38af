"""What a cached page is keyed by: the path and a normalised query string.

The cache must not be floodable (issue 15, shared/PITFALLS.md item 13): every distinct key is
an entry, and a full cache evicts real article pages. So tracking parameters are left out of
the key, query parameters no page reads are never stored, and search result pages (a new URL
per query) are not cached at all. The key names the URL alone, so a purge can name it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from urllib.parse import unquote_plus

from django.conf import settings

from .config import config

# Never served from or stored in the page cache: the newsroom, per-reader endpoints, probes.
UNCACHED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/api/", "/healthz", "/readyz")
# Paths under an edition prefix (/ru/, /kk/...): their language is in the path.
EDITION_PATH = re.compile(r"^/[a-zA-Z]{2}(?:-[a-zA-Z]{2,4})?/")
# Search result pages: every query is a new URL, so caching them would only evict articles.
UNCACHED_EDITION_PATHS = re.compile(r"^/[a-zA-Z]{2}(?:-[a-zA-Z]{2,4})?/search/")

# Click and campaign identifiers that analytics scripts read and pages never do: left out of
# the page cache key, so `/a/?utm_source=x&fbclid=y` is served from (and refreshes) `/a/`.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "dclid",  # Google Display
        "gbraid",  # Google Ads (iOS)
        "wbraid",  # Google Ads (iOS web)
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex Direct
        "ysclid",  # Yandex
        "_openstat",  # Openstat (Yandex)
        "mc_cid",  # Mailchimp campaign
        "mc_eid",  # Mailchimp subscriber
        "igshid",  # Instagram share
    }
)
TRACKING_PREFIXES = ("utm_",)  # Google Analytics campaign parameters: utm_source, utm_medium...

# Values a page reads: a period name, a page number. Anything else (long, odd, repeated) is
# served but never stored, so no parameter opens an unbounded space of cache entries.
CACHEABLE_VALUE = re.compile(r"[a-z0-9-]{1,16}")
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def is_tracking_parameter(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def query_without_tracking(query_string: str) -> str:
    """The query string with tracking parameters dropped, the rest left byte for byte."""
    return "&".join(
        part
        for part in query_string.split("&")
        if part and not is_tracking_parameter(unquote_plus(part.split("=", 1)[0]))
    )


def query_normalised(query_string: str) -> str | None:
    """The query string as the cache keys it (parameters a page reads, sorted by name), or
    None when the URL must not be stored: a parameter no page reads, one given twice, or a
    value that is not plain (`?page=99999` shows the last page: a new entry for old content).
    """
    if not query_string:
        return ""
    allowed = config().query_parameters
    max_page = config().max_page
    kept: dict[str, str] = {}
    for part in query_without_tracking(query_string).split("&"):
        if not part:
            continue
        raw_name, _, raw_value = part.partition("=")
        name, value = unquote_plus(raw_name), unquote_plus(raw_value)
        if name not in allowed or name in kept or not CACHEABLE_VALUE.fullmatch(value):
            return None
        if name == "page" and not (PAGE_NUMBER.fullmatch(value) and int(value) <= max_page):
            return None
        kept[name] = value
    return "&".join(f"{name}={kept[name]}" for name in sorted(kept))


def query_is_cacheable(query_string: str) -> bool:
    return query_normalised(query_string) is not None


def path_is_cacheable(path: str) -> bool:
    return not path.startswith(UNCACHED_PREFIXES) and not UNCACHED_EDITION_PATHS.match(path)


def page_key(scheme: str, path: str, query: str, language: str = "") -> str:
    """The entry's key: a digest, so that any path is a valid, bounded cache key. The scheme is
    part of it: behind SECURE_SSL_REDIRECT, http and https of one path differ (a redirect).
    `language`: the reader's negotiated language, for paths without an edition prefix."""
    url = f"{scheme}:{path}?{query}" if query else f"{scheme}:{path}"
    if language:
        url += f"|{language}"
    return "page:" + hashlib.blake2b(url.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def path_has_edition(path: str) -> bool:
    return EDITION_PATH.match(path) is not None


def page_keys_for(path: str, *, listing: bool = False) -> Iterator[str]:
    """Every key a purge of `path` drops: both schemes, each language for a path without an
    edition prefix (Django varies those on Accept-Language) and, for a listing, each `?page=N`."""
    queries = [""]
    if listing:
        queries += [f"page={n}" for n in range(1, settings.PAGE_CACHE_MAX_PAGE + 1)]
    languages = [""] if path_has_edition(path) else [code for code, _name in settings.LANGUAGES]
    for scheme in ("http", "https"):
        for query in queries:
            for language in languages:
                yield page_key(scheme, path, query, language)
