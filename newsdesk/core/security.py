"""Security headers the whole site sends: Content-Security-Policy and Permissions-Policy.

The policy depends on the path alone, so the page cache in front of Django, which stores
headers with the page, replays the right one. The reasons for each directive are in
docs/security.md.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import DIRECTIVES_T, build_policy, default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from .http import origin_of

# Wagtail's admin and Django's: their own, looser policy (they still write inline code).
ADMIN_PREFIXES = ("/admin/", "/django-admin/")
# Directives that name where the site's own files come from: the origins of an absolute
# STATIC_URL or MEDIA_URL (a CDN, S3) join 'self' there.
STATIC_DIRECTIVES = ("script-src", "style-src", "img-src", "font-src")
MEDIA_DIRECTIVES = ("img-src",)


def csp_directives_with_file_origins(
    directives: Mapping[str, object], *, static_url: str, media_url: str
) -> DIRECTIVES_T:
    """`directives` with the origins of absolute STATIC_URL and MEDIA_URL added where they load.

    Read when the middleware starts, not in base settings: the storage settings that may point
    MEDIA_URL at a CDN come later in the settings module.
    """
    result: DIRECTIVES_T = dict(directives)
    for url, names in ((static_url, STATIC_DIRECTIVES), (media_url, MEDIA_DIRECTIVES)):
        # A protocol-relative URL (//cdn.example.com/) is read as https.
        origin = origin_of(f"https:{url}" if url.startswith("//") else url)
        if origin is None:
            continue
        for name in names:
            sources = list(result.get(name) or result.get("default-src") or [])
            if origin not in sources:
                result[name] = [*sources, origin]
    return result


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing between two policies by path.

    The site gets CONTENT_SECURITY_POLICY (no inline script or style, nothing from elsewhere),
    signed-in editors included: Wagtail's userbar loads its scripts and styles from files and
    works under it (tests/test_browser_csp.py), and an editor's session is what a script
    slipped into an article would be after. Wagtail's and Django's admin get
    CONTENT_SECURITY_POLICY_ADMIN.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        super().__init__(get_response)
        urls = {"static_url": settings.STATIC_URL or "", "media_url": settings.MEDIA_URL or ""}
        self.public_config = default_config(
            csp_directives_with_file_origins(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], **urls)
        )
        self.admin_config = default_config(
            csp_directives_with_file_origins(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"], **urls)
        )

        # The two policies' headers, built once: django-csp deep-copies the policy and builds
        # its header again for every response (half a millisecond of an uncached page).
        self.built: dict[tuple[int, bool], str] = {}
        self.excluded_prefixes = {
            HEADER: tuple(settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES") or ()),
            HEADER_REPORT_ONLY: tuple(
                (getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}).get(
                    "EXCLUDE_URL_PREFIXES"
                )
                or ()
            ),
        }

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts  # a view's own @csp_override stands
        admin = request.path_info.startswith(ADMIN_PREFIXES)
        parts.config = self.admin_config if admin else self.public_config
        return parts

    def policy_header(self, parts: PolicyParts, *, report_only: bool) -> str:
        """django-csp's `build_policy(**asdict(parts))`, kept for our own two policies (and
        for no report-only policy); a view's own override is built each time."""
        own = parts.config is self.public_config or parts.config is self.admin_config
        if parts.update is not None or parts.replace is not None or not (own or parts.config is None):
            return build_policy(**asdict(parts), report_only=report_only)
        if parts.nonce is not None:
            return build_policy(**asdict(parts), report_only=report_only)
        key = (id(parts.config), report_only)
        header = self.built.get(key)
        if header is None:
            header = self.built[key] = build_policy(**asdict(parts), report_only=report_only)
        return header

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """django-csp's own `process_response`, with the header from `policy_header`."""
        if settings.DEBUG and response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        ):
            return response
        for header, report_only, exempt in (
            (HEADER, False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro"),
        ):
            parts = self.get_policy_parts(request=request, response=response, report_only=report_only)
            policy = self.policy_header(parts, report_only=report_only)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(self.excluded_prefixes[header])
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header was written is an error.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


def permissions_policy_header(policy: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    """Adds the `Permissions-Policy` header built once from settings.PERMISSIONS_POLICY."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
