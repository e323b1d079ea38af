"""The wires app's receivers, connected in apps.py `ready()`."""

from __future__ import annotations

from typing import Any

from newsdesk.articles.signals import article_changed
from newsdesk.core.services import page_cache_purge_on_commit

from .newsml_out import newsml_purge_targets


def newsml_purge(sender: Any, *, article_id: int, change: str, document: Any, **kwargs: Any) -> None:
    """Receiver of `article_changed` (after the commit, inside the announcement's purge batch):
    partners polling /<lang>/newsml/ see a publish at once, like the feeds' readers."""
    page_cache_purge_on_commit(
        newsml_purge_targets(article_id=article_id, document=document), reason=f"NewsML of {article_id}"
    )


def connect() -> None:
    article_changed.connect(newsml_purge, dispatch_uid="wires_newsml_purge")
