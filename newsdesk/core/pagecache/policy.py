"""Who is served from the page cache, and which responses may enter it (docs/caching.md).

Both questions are answered from the WSGI environ and the response's status and headers
alone, before and after Django runs: nothing here reads a session or a user.
"""

from __future__ import annotations

from django.http.request import split_domain_port, validate_host
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

from .config import config, host_verdicts

# Cookies that analytics scripts set in the reader's browser and no page reads. A request
# carrying any other cookie (the session, the CSRF token, a language choice, anything
# unknown) is never served a cached page, and its response is never stored.
ANALYTICS_COOKIE_PREFIXES = (
    "_ga",  # Google Analytics: _ga, _ga_<container>
    "_gid",  # Google Analytics
    "_gat",  # Google Analytics throttling: _gat, _gat_<tracker>
    "_gcl_",  # Google Ads conversion linker
    "__utm",  # Urchin / classic Google Analytics: __utma, __utmz...
    "_ym",  # Yandex Metrica: _ym_uid, _ym_d, _ym_isad...
    "_fbp",  # Facebook pixel
    "_fbc",  # Facebook click
)
# Statuses stored in the application cache. 301 and 404 are sent to the proxy with a short
# lifetime but never stored here: any path can produce one, so storing them would let a
# crawler of random URLs evict the articles (PITFALLS.md 13).
STORED_STATUSES = frozenset({200})
# A stored response may vary on these only: the cache serves cookieless (or analytics-only)
# anonymous readers, and stores no encoded bodies.
HARMLESS_VARY = frozenset({"accept-encoding", "cookie"})
# Paths without an edition prefix (sitemaps, robots.txt) vary on the negotiated language
# (Django's LocaleMiddleware says so): it is part of their key, one of LANGUAGES.
LANGUAGE_KEYED_VARY = HARMLESS_VARY | {"accept-language"}
REFUSING_CACHE_CONTROL = ("private", "no-store", "no-cache")


def cookies_allow_cache(cookie_header: str) -> bool:
    """True when every cookie in the header is a known analytics cookie."""
    for part in cookie_header.split(";"):
        name = part.split("=", 1)[0].strip()
        if name and not name.startswith(ANALYTICS_COOKIE_PREFIXES):
            return False
    return True


def host_is_allowed(environ: dict) -> bool:
    """What `HttpRequest.get_host()` accepts: anything else must reach Django for its 400."""
    conf = config()
    if conf.use_x_forwarded_host and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    elif "HTTP_HOST" in environ:
        host = environ["HTTP_HOST"]
    else:
        host = f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
    verdict = host_verdicts.get(host)
    if verdict is None:
        domain, _port = split_domain_port(host)
        verdict = bool(domain) and validate_host(domain, conf.allowed_hosts)
        if len(host) <= 255 and len(host_verdicts) < 1000:
            host_verdicts[host] = verdict
    return verdict


def request_scheme(environ: dict) -> str:
    """The scheme as Django sees it (`HttpRequest.scheme`, SECURE_PROXY_SSL_HEADER included)."""
    proxy_header = config().secure_proxy_ssl_header
    if proxy_header:
        header, secure_value = proxy_header
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return str(environ.get("wsgi.url_scheme", "http"))


def request_may_use_cache(environ: dict) -> bool:
    """An anonymous read without credentials or cookies of its own, on a host Django accepts."""
    return (
        environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        and "HTTP_AUTHORIZATION" not in environ
        and cookies_allow_cache(environ.get("HTTP_COOKIE", ""))
        and host_is_allowed(environ)
    )


def header_tokens(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [
        token.strip().lower()
        for key, value in headers
        if key.lower() == name
        for token in value.split(",")
        if token.strip()
    ]


def request_language(environ: dict) -> str:
    """The language Django's LocaleMiddleware picks for a path without an edition prefix, from
    Accept-Language alone (a request with a language cookie is not served from the cache)."""
    for code, _quality in parse_accept_lang_header(environ.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return config().language_code


def response_may_be_stored(
    status: int, headers: list[tuple[str, str]], *, language_keyed: bool = False
) -> bool:
    """A public page for everyone: 200, marked `public` by Django (core.middleware), setting
    no cookie, neither private nor uncacheable, varying on nothing a reader brings."""
    if status not in STORED_STATUSES:
        return False
    names = {key.lower() for key, _value in headers}
    if "set-cookie" in names or "content-encoding" in names:
        return False
    directives = [token.split("=", 1)[0] for token in header_tokens(headers, "cache-control")]
    if "public" not in directives or any(d in REFUSING_CACHE_CONTROL for d in directives):
        return False
    return set(header_tokens(headers, "vary")) <= (LANGUAGE_KEYED_VARY if language_keyed else HARMLESS_VARY)
