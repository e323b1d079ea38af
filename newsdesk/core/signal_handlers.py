"""Any page published, unpublished, moved or deleted changes what cached pages show (menus,
listings, the edition switcher): they are purged after the commit. Articles tell their own
consumers first (`articles.signals.article_changed`) and purge again when those are done."""

from typing import Any

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .services import page_cache_purge_on_commit


def page_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Articles announce their changes and purge once their consumers are in step
    # (`announces_changes`); a purge here too would empty the cache twice per publish.
    page_class = instance.specific_class if sender is Page else sender
    if not getattr(page_class, "announces_changes", False):
        page_cache_purge_on_commit(reason="page")


def connect() -> None:
    page_published.connect(page_changed, dispatch_uid="core_purge_on_publish")
    page_unpublished.connect(page_changed, dispatch_uid="core_purge_on_unpublish")
    post_page_move.connect(page_changed, dispatch_uid="core_purge_on_move")
    # Every deleted page has a row in Page, whatever its type: one signal per page.
    post_delete.connect(page_changed, sender=Page, dispatch_uid="core_purge_on_delete")
