from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from .photos import photo_renditions_enqueue_on_commit
from .services import (
    ARTICLE_DELETED,
    ARTICLE_MOVED,
    ARTICLE_PUBLISHED,
    ARTICLE_UNPUBLISHED,
    article_change_announce_on_commit,
    article_stamp_publication,
)


def article_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    article_stamp_publication(article=instance)
    article_change_announce_on_commit(article_id=instance.pk, change=ARTICLE_PUBLISHED)


def article_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Also sent for expiry (`publish_scheduled` unpublishes expired pages).
    article_change_announce_on_commit(article_id=instance.pk, change=ARTICLE_UNPUBLISHED)


def article_moved(sender: Any, instance: Any, **kwargs: Any) -> None:
    article_change_announce_on_commit(article_id=instance.pk, change=ARTICLE_MOVED)


def section_moved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A moved section moves its articles' addresses; their documents keep their section."""
    from .models import ArticlePage

    # One transaction, so that its articles are announced (and pages purged) as one batch.
    with transaction.atomic():
        for article_id in ArticlePage.objects.child_of(instance).values_list("pk", flat=True):
            article_change_announce_on_commit(article_id=article_id, change=ARTICLE_MOVED)


def article_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    article_change_announce_on_commit(article_id=instance.pk, change=ARTICLE_DELETED)


def image_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An uploaded or edited image (a new file, a new focal point) gets its renditions made in
    the background, not by the first reader (issue 14)."""
    photo_renditions_enqueue_on_commit(image_id=instance.pk)


def connect() -> None:
    from wagtail.images import get_image_model

    from .models import ArticlePage, SectionPage

    post_save.connect(image_saved, sender=get_image_model(), dispatch_uid="articles_image_saved")

    page_published.connect(article_published, sender=ArticlePage, dispatch_uid="articles_published")
    page_unpublished.connect(article_unpublished, sender=ArticlePage, dispatch_uid="articles_unpublished")
    post_page_move.connect(article_moved, sender=ArticlePage, dispatch_uid="articles_moved")
    post_page_move.connect(section_moved, sender=SectionPage, dispatch_uid="articles_section_moved")
    post_delete.connect(article_deleted, sender=ArticlePage, dispatch_uid="articles_deleted")
