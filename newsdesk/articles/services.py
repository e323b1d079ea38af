import logging

from django.utils import timezone

from newsdesk.core.services import (
    EVERYTHING,
    PurgeTarget,
    on_commit_batched,
    page_cache_purge_batch,
    page_cache_purge_on_commit,
)

from .documents import article_document_get
from .models import ArticlePage
from .signals import article_changed

logger = logging.getLogger(__name__)


def article_stamp_publication(*, article: ArticlePage) -> None:
    """Give a first-time published article its publication date and time.

    `published_at` defaults to the moment of first publication (the scheduled `go_live_at`
    for scheduled items) and is kept afterwards; an
    editor may set it by hand for backdated or imported items. Written with `update()` so
    that no new revision is made; the latest revision is stamped too, so that the next
    publish of it does not wipe the date.
    """
    if article.published_at is not None or not article.live:
        return  # already dated, or merely scheduled: dated when it goes live
    now = timezone.now()
    # A scheduled item is dated at its scheduled minute, not when the worker got to it.
    stamp = min(article.go_live_at, now) if article.go_live_at else (article.first_published_at or now)
    ArticlePage.objects.filter(pk=article.pk, published_at__isnull=True).update(published_at=stamp)
    article.published_at = stamp
    revision = article.latest_revision
    if revision is not None and revision.content.get("published_at") is None:
        revision.content["published_at"] = stamp.isoformat()
        revision.save(update_fields=["content"])


# --- Telling the site an article changed (issue 15, part 1) ------------------------------

ARTICLE_PUBLISHED = "published"
ARTICLE_UNPUBLISHED = "unpublished"
ARTICLE_MOVED = "moved"
ARTICLE_DELETED = "deleted"
ARTICLE_CHANGES = (ARTICLE_PUBLISHED, ARTICLE_UNPUBLISHED, ARTICLE_MOVED, ARTICLE_DELETED)


def article_change_announce_on_commit(*, article_id: int, change: str) -> None:
    """After the current transaction commits, tell every consumer that this article changed."""
    on_commit_batched(_announce, (article_id, change))


def _announce(changes: list[tuple[int, str]]) -> None:
    # Every app's purge (syndication's feeds, ours below) in one batch, after the consumers.
    with page_cache_purge_batch():
        for article_id, change in changes:
            article_changes_announce(article_id=article_id, change=change)


def article_changes_announce(*, article_id: int, change: str) -> None:
    """Send `article_changed` with the article's document as it is now stored.

    Every receiver runs even if one fails (a failure is logged): a search index that cannot be
    written must not keep a withdrawn story in relevant news or most viewed.
    """
    document = article_document_get(article_id=article_id)
    for receiver, result in article_changed.send_robust(
        sender=ArticlePage, article_id=article_id, change=change, document=document
    ):
        if isinstance(result, Exception):
            logger.error("article %s %s: %r failed", article_id, change, receiver, exc_info=result)
    page_cache_purge_on_commit(
        article_purge_targets(article_id=article_id, change=change, listed=document is not None),
        reason=f"article {article_id} {change}",
    )


def article_purge_targets(*, article_id: int, change: str, listed: bool) -> list[PurgeTarget]:
    """The pages of ours that show the article: its own, its section's (with `?page=N`), its
    edition's front page, its tags' pages.

    A withdrawal (unpublish, expiry, delete) or a move purges every page besides: the article
    can be in any page's most viewed block or relevant news, in any edition's language switcher,
    and a move leaves no trace of its old address (docs/caching.md, "Withdrawn means gone").
    """
    article = ArticlePage.objects.filter(pk=article_id).first()
    targets = [] if change == ARTICLE_PUBLISHED and listed else [EVERYTHING]
    if article is None:
        return targets
    url = article.get_url(None)
    if url:
        targets.append(PurgeTarget(url))
    section = article.get_parent()
    home = article.get_ancestors().filter(depth=2).first()  # the edition's front page
    if section is not None and (section_url := section.get_url(None)):
        targets.append(PurgeTarget(section_url, listing=True))
    if home is not None and (home_url := home.get_url(None)):
        targets.append(PurgeTarget(home_url, listing=True))
        tags = article.tags.values_list("slug", flat=True)
        targets += [PurgeTarget(f"{home_url}tags/{slug}/", listing=True) for slug in tags]
    return targets
