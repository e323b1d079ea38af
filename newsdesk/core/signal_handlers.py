from typing import Any

from wagtail.signals import page_published, page_unpublished

from .services import page_cache_purge


def purge_page_cache(sender: Any, **kwargs: Any) -> None:
    page_cache_purge()


def connect() -> None:
    page_published.connect(purge_page_cache, dispatch_uid="core_purge_on_publish")
    page_unpublished.connect(purge_page_cache, dispatch_uid="core_purge_on_unpublish")
