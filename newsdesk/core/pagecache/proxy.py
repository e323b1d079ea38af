"""PURGE requests to the proxy in front (nginx's ngx_cache_purge or Varnish), sent as soon as
the change has committed, not when a worker gets to Wagtail's purge task.

Through the task alone, a withdrawn article stayed in nginx for s-maxage + stale-while-
revalidate (90 s) whenever the worker was down or behind. So `proxy_purge` asks the backends
itself, with a timeout; only if the proxy cannot be reached does it hand the URLs to Wagtail's
task, for the worker to try again (docs/caching.md).
"""

from __future__ import annotations

import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings
from django.utils.encoding import iri_to_uri
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest

logger = logging.getLogger(__name__)

# Seconds a PURGE may take before the proxy counts as unreachable (editors wait for it).
DEFAULT_TIMEOUT = 2.0


class PurgeFailed(Exception):
    """The proxy could not be reached, or answered with an error."""


class TimedHTTPBackend(HTTPBackend):
    """Wagtail's HTTP backend (`PURGE <path>` with the page's Host), with a timeout, and an
    exception instead of a log line when the proxy fails, so that the caller can retry.

    A 404 is success: ngx_cache_purge and Varnish answer it when nothing was cached.
    """

    def __init__(self, params: dict) -> None:
        params = dict(params)
        self.timeout = float(params.pop("TIMEOUT", DEFAULT_TIMEOUT))
        super().__init__(params)

    def purge(self, url: str) -> None:
        parsed = urlsplit(url)
        host = parsed.hostname or ""
        if parsed.port:
            host += f":{parsed.port}"
        # As browsers send it, and so as nginx keys it ($request_uri): percent-encoded UTF-8
        # (Wagtail's backend sent Cyrillic paths raw, which http.client cannot encode).
        path, query = iri_to_uri(parsed.path), iri_to_uri(parsed.query)
        target = urlunsplit([self.cache_scheme, self.cache_netloc, path, query, ""])
        request = PurgeRequest(url=target, headers={"Host": host, "User-Agent": "Newsdesk-purge"})
        try:
            urlopen(request, timeout=self.timeout).close()  # noqa: S310 - LOCATION is ours
        except HTTPError as error:
            if error.code != 404:
                raise PurgeFailed(f"PURGE {parsed.path}: HTTP {error.code}") from error
        except (URLError, OSError) as error:
            raise PurgeFailed(f"PURGE {parsed.path}: {getattr(error, 'reason', error)}") from error


def proxy_purge_urls(urls: list[str]) -> None:
    """Purge `urls` in the frontend caches now (Wagtail's own task, run here: its languages
    and host rules apply); if the proxy fails, enqueue that task for the worker to retry."""
    if not urls or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    try:
        purge_urls_from_cache_task.call(urls)
    except PurgeFailed as error:
        logger.warning("proxy purge failed (%s); the worker will try again", error)
        purge_urls_from_cache(urls)
