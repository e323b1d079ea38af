"""What a request tells about where it comes from: the reader's address and the page that sent it.

Article pages are cached whole, so the site's anonymous JSON endpoints (view beacon, error
reports) carry no CSRF token; the browser's `Sec-Fetch-Site`, `Origin` and `Referer` headers
tell whether one of our own pages made the request. Our own origins are the request's host,
PUBLIC_BASE_URL and CSRF_TRUSTED_ORIGINS (with Django's `https://*.example.com` wildcards).
Also the one shape of a JSON error every endpoint answers with (`json_error`).
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.functional import Promise
from django.utils.http import is_same_domain

# What `client_network` says for an address it cannot parse: one shared bucket, so that
# rotating garbage cannot escape a per-network ceiling.
UNKNOWN_NETWORK = "unknown"
IPV6_NETWORK_PREFIX = 64


def json_error(*, status: int, code: str, message: Promise | str, **extra: object) -> JsonResponse:
    """`{"error": code, "message": ..., **extra}` with `status`: every anonymous JSON endpoint's 4xx."""
    return JsonResponse({"error": code, "message": str(message), **extra}, status=status)


def client_ip(request: HttpRequest) -> str:
    """The reader's address: REMOTE_ADDR, or the one our own proxies saw.

    Each of the TRUSTED_PROXY_COUNT proxies in front of the app appends the address it saw to
    X-Forwarded-For; anything further left was written by the client and is not trusted. With
    fewer entries than trusted proxies the header is not ours, so REMOTE_ADDR stands.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-proxies] if len(hops) >= proxies else remote


def client_network(ip: str) -> str:
    """The network a reader's address belongs to, for per-network ceilings.

    An IPv4 address stands for itself; an IPv6 address for its /64, the smallest block an
    ISP hands one subscriber (RFC 6177), which a host can rotate addresses inside at will;
    an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, a dual-stack socket) is its IPv4 address.
    Anything unparsable is UNKNOWN_NETWORK, never an exception.
    """
    try:
        address = ipaddress.ip_address(ip.strip())
    except (AttributeError, ValueError):
        return UNKNOWN_NETWORK
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    network = ipaddress.IPv6Network((int(address) >> 64 << 64, IPV6_NETWORK_PREFIX))
    return str(network)


def origin_of(url: str | None) -> str | None:
    """`scheme://host[:port]` of an http(s) URL, lower-cased; None for anything else."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_is_ours(request: HttpRequest, origin: str) -> bool:
    """Is `origin` (as `origin_of` gives it) one of this site's own origins?"""
    if origin in (f"{request.scheme}://{request.get_host()}".lower(), origin_of(settings.PUBLIC_BASE_URL)):
        return True
    scheme, _, host = origin.partition("://")
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted = trusted.lower()
        if trusted == origin:
            return True
        if "*" in trusted:
            trusted_scheme, _, pattern = trusted.partition("://")
            if trusted_scheme == scheme and is_same_domain(host, pattern.lstrip("*")):
                return True
    return False


def _fetch_site(request: HttpRequest) -> str:
    # META, not request.headers: the beacon reads only a few headers, and building the
    # headers mapping costs more than all of them.
    return request.META.get("HTTP_SEC_FETCH_SITE", "").lower()


def request_from_own_page(request: HttpRequest) -> bool:
    """Strict: the browser says one of our pages sent this request (`Origin`, else `Referer`).

    For endpoints that store what a reader writes: a request that names no page is refused.
    """
    site = _fetch_site(request)
    if site == "same-origin":
        return True
    if site == "cross-site":
        return False
    origin = request.META.get("HTTP_ORIGIN")
    origin = origin_of(origin) if origin is not None else origin_of(request.META.get("HTTP_REFERER"))
    return origin is not None and origin_is_ours(request, origin)


def request_is_cross_site(request: HttpRequest) -> bool:
    """Lenient: true only when the browser says another site made this request.

    For the view beacon and its no-script image, which carry no `Origin` on GET: a request
    without these headers is not a browser on another site (dedup and rate caps deal with
    scripts). `Origin: null` (sandboxed frames, file pages) counts as another site.
    """
    site = _fetch_site(request)
    if site == "same-origin":
        return False
    if site == "cross-site":
        return True
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return False
    normalised = origin_of(origin)
    return normalised is None or not origin_is_ours(request, normalised)
