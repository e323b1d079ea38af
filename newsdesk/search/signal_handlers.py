from __future__ import annotations

from typing import Any

from newsdesk.articles.services import ARTICLE_MOVED
from newsdesk.articles.signals import article_changed

from .services import search_document_section_move, search_document_sync


def article_synced(sender: Any, *, article_id: int, change: str, document: Any, **kwargs: Any) -> None:
    # At once, not in the worker: a withdrawn story must leave search results with the
    # commit, and a published one must be found at once (issue 15). A move changes only the
    # section (a moved section announces every article in it): no text is analysed again.
    if change == ARTICLE_MOVED and document is not None:
        search_document_section_move(document=document)
    else:
        search_document_sync(article_id=article_id, document=document)


def connect() -> None:
    article_changed.connect(article_synced, dispatch_uid="search_article_changed")
