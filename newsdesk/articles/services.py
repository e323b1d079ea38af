from django.utils import timezone

from .models import ArticlePage


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
