from __future__ import annotations

from typing import Any

from newsdesk.articles.signals import article_changed

from .services import search_document_sync


def article_synced(sender: Any, *, article_id: int, document: Any, **kwargs: Any) -> None:
    # At once, not in the worker: a withdrawn story must leave search results with the
    # commit, and a published one must be found at once (issue 15).
    search_document_sync(article_id=article_id, document=document)


def connect() -> None:
    article_changed.connect(article_synced, dispatch_uid="search_article_changed")
