"""Push after publish (issue 10, "Push, not only pull"): tell WebSub hubs that the edition's
and section's feeds changed, and IndexNow endpoints that the article's URL changed.

Operators list endpoints in settings (empty by default: nothing leaves the machine). Each
endpoint is pinged by its own background task (tasks.py), so that a slow or failing one never
holds up the publish request or the other endpoints; the last result per endpoint is kept in
`PushEndpointStatus`. WebSub publish: https://www.w3.org/TR/websub/#publishing (the ping form
of the PubSubHubbub 0.4 hubs); IndexNow: https://www.indexnow.org/documentation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from newsdesk.articles.models import ArticlePage, SectionPage

from .models import PUSH_INDEXNOW, PUSH_WEBSUB, PushEndpointStatus

ALLOWED_SCHEMES = ("http", "https")
INDEXNOW_KEY_PATTERN = re.compile(r"[A-Za-z0-9-]{8,128}")
ERROR_SCHEME = "Only http and https endpoints are pinged."
USER_AGENT = "Newsdesk push (+WebSub, IndexNow)"


@dataclass(frozen=True)
class PushTarget:
    """One endpoint to ping and what to tell it (JSON-serialisable for the task queue)."""

    kind: str
    endpoint: str
    urls: tuple[str, ...]


@dataclass(frozen=True)
class PushResult:
    ok: bool
    status: int | None
    error: str


def _absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def indexnow_key() -> str:
    """The configured IndexNow key, or "" when there is none (or it is not a valid key)."""
    key = settings.SYNDICATION_INDEXNOW_KEY
    return key if INDEXNOW_KEY_PATTERN.fullmatch(key) else ""


def push_feed_urls(*, language: str, section_slug: str | None) -> list[str]:
    """The feeds that list an article of this edition and section (see feeds_urls.py)."""
    paths = [f"/{language}/feeds/rss/", f"/{language}/feeds/atom/"]
    if section_slug:
        paths.append(f"/{language}/feeds/{section_slug}/rss/")
    return [_absolute(path) for path in paths]


def push_targets_for_article(*, article_id: int) -> list[PushTarget]:
    """Every configured endpoint and its URLs for this live article ([] when nothing is set)."""
    hubs = settings.SYNDICATION_WEBSUB_HUBS
    indexnow = settings.SYNDICATION_INDEXNOW_ENDPOINTS if indexnow_key() else []
    if not hubs and not indexnow:
        return []
    article = ArticlePage.objects.live().filter(pk=article_id).select_related("locale").first()
    if article is None:
        return []
    parent = article.get_parent()
    section_slug = parent.slug if parent is not None and parent.specific_class is SectionPage else None
    feeds = tuple(push_feed_urls(language=article.locale.language_code, section_slug=section_slug))
    _site_id, _root, page_path = article.get_url_parts()
    article_url = _absolute(page_path)
    return [PushTarget(PUSH_WEBSUB, hub, feeds) for hub in hubs] + [
        PushTarget(PUSH_INDEXNOW, endpoint, (article_url,)) for endpoint in indexnow
    ]


def _post(target: PushTarget) -> requests.Response:
    timeout = (settings.SYNDICATION_PUSH_CONNECT_TIMEOUT, settings.SYNDICATION_PUSH_READ_TIMEOUT)
    headers = {"User-Agent": USER_AGENT}
    with requests.Session() as session:
        session.trust_env = False  # no proxies or .netrc from the worker's environment
        if target.kind == PUSH_WEBSUB:
            form = [("hub.mode", "publish")] + [("hub.url", url) for url in target.urls]
            return session.post(
                target.endpoint, data=form, headers=headers, timeout=timeout, allow_redirects=False
            )
        key = indexnow_key()
        base = urlsplit(settings.PUBLIC_BASE_URL)
        payload = {
            "host": base.hostname,
            "key": key,
            "keyLocation": _absolute(f"/{key}.txt"),
            "urlList": list(target.urls),
        }
        return session.post(
            target.endpoint, json=payload, headers=headers, timeout=timeout, allow_redirects=False
        )


def push_endpoint_notify(*, target: PushTarget) -> PushResult:
    """Ping one endpoint once and record the result. Never raises on network trouble."""
    if urlsplit(target.endpoint).scheme not in ALLOWED_SCHEMES:
        result = PushResult(ok=False, status=None, error=ERROR_SCHEME)
    else:
        try:
            response = _post(target)
        except requests.RequestException as error:
            result = PushResult(ok=False, status=None, error=f"{type(error).__name__}: {error}"[:500])
        else:
            # WebSub hubs answer 204 (or 202), IndexNow 200 or 202: any 2xx is accepted.
            ok = 200 <= response.status_code < 300
            result = PushResult(ok=ok, status=response.status_code, error="" if ok else response.reason or "")
    push_status_record(target=target, result=result)
    return result


def push_status_record(*, target: PushTarget, result: PushResult) -> None:
    now = timezone.now()
    PushEndpointStatus.objects.get_or_create(endpoint=target.endpoint, defaults={"kind": target.kind})
    fields: dict[str, object] = {
        "kind": target.kind,
        "last_attempt_at": now,
        "last_status": result.status,
        "last_error": result.error[:500],
    }
    if result.ok:
        fields.update(last_success_at=now, consecutive_failures=0)
    else:
        fields.update(consecutive_failures=F("consecutive_failures") + 1)
    PushEndpointStatus.objects.filter(endpoint=target.endpoint).update(**fields)


def push_retry_delay(*, attempt: int) -> timedelta:
    """Wait before attempt `attempt + 1`: the configured delay, doubled after each failure."""
    return timedelta(seconds=settings.SYNDICATION_PUSH_RETRY_SECONDS * 2 ** (attempt - 1))
