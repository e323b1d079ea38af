from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from newsdesk.articles.signals import article_changed
from newsdesk.core.services import on_commit_batched

from .api.cache import api_cache_forget
from .purge import article_feeds_purge
from .tasks import push_article_enqueue

# "published" covers a first publish and a republish of a live article (a correction).
PUSHED_CHANGES = {"published"}


def article_pushed(sender: Any, *, article_id: int, change: str, document: Any, **kwargs: Any) -> None:
    # Sent after the commit: the worker reads the published article. Only enqueued here, so a
    # hub that hangs never holds up the editor's publish request.
    if change in PUSHED_CHANGES and document is not None:
        push_article_enqueue(article_id=article_id)


def _api_forget(_reasons: list[str]) -> None:
    api_cache_forget()


def site_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Sections, homes and editions are in the API too: its cache goes after the commit.
    Articles are left to `article_changed`, which already drops it."""
    page_class = instance.specific_class if sender is Page else sender
    if not getattr(page_class, "announces_changes", False):
        on_commit_batched(_api_forget, "site")


def connect() -> None:
    from newsdesk.editions.models import Edition

    article_changed.connect(article_pushed, dispatch_uid="syndication_article_pushed")
    # The apps' API: cached responses go with any article change (sent after the commit)...
    article_changed.connect(api_cache_forget, dispatch_uid="syndication_api_cache_forget")
    # Cached feeds and sitemaps that list the article (page cache and proxy).
    article_changed.connect(article_feeds_purge, dispatch_uid="syndication_article_feeds_purge")
    # ...and with any other page or an edition.
    page_published.connect(site_changed, dispatch_uid="syndication_api_page_published")
    page_unpublished.connect(site_changed, dispatch_uid="syndication_api_page_unpublished")
    post_page_move.connect(site_changed, dispatch_uid="syndication_api_page_moved")
    post_delete.connect(site_changed, sender=Page, dispatch_uid="syndication_api_page_deleted")
    post_save.connect(site_changed, sender=Edition, dispatch_uid="syndication_api_edition_saved")
