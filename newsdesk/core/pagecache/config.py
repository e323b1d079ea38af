"""The page cache's settings, read once per process (and again whenever a test changes one).

The hit path reads a dozen settings per request; through Django's lazy settings object each
read costs more than a dictionary look-up, and the hit path is meant to be nearly free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed


@dataclass(frozen=True)
class PageCacheConfig:
    query_parameters: frozenset[str]
    max_page: int
    fresh_seconds: int
    stale_seconds: int
    coalesce_seconds: float
    allowed_hosts: tuple[str, ...]
    use_x_forwarded_host: bool
    secure_proxy_ssl_header: tuple[str, str] | None
    language_code: str
    languages: tuple[str, ...]


_config: PageCacheConfig | None = None
_generation = 0  # bumped whenever a setting changes (tests): cached objects are rebuilt
# Host header value -> allowed: bounded, and only short values are remembered (PITFALLS 16).
host_verdicts: dict[str, bool] = {}


def config() -> PageCacheConfig:
    global _config
    if _config is None:
        allowed = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]
        _config = PageCacheConfig(
            query_parameters=frozenset(settings.PAGE_CACHE_QUERY_PARAMETERS),
            max_page=settings.PAGE_CACHE_MAX_PAGE,
            fresh_seconds=settings.PAGE_CACHE_SECONDS,
            stale_seconds=settings.PAGE_CACHE_STALE_SECONDS,
            coalesce_seconds=settings.PAGE_CACHE_COALESCE_SECONDS,
            allowed_hosts=tuple(allowed),
            use_x_forwarded_host=settings.USE_X_FORWARDED_HOST,
            secure_proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
            language_code=settings.LANGUAGE_CODE,
            languages=tuple(code for code, _name in settings.LANGUAGES),
        )
    return _config


def config_generation() -> int:
    return _generation


def _forget(**kwargs: Any) -> None:
    global _config, _generation
    _config = None
    _generation += 1
    host_verdicts.clear()


setting_changed.connect(_forget, dispatch_uid="pagecache_config_forget")
