from typing import Any

from django.core.signals import setting_changed
from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_unpublished

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.signals import article_changed

from .counters import counter_get
from .selectors import most_viewed_lists_forget
from .services import live_article_forget


@receiver(setting_changed)
def counter_reset(*, setting: str, **kwargs: object) -> None:
    """Tests switch backends with override_settings; the next view picks the new one."""
    if setting.startswith("ANALYTICS_"):
        counter_get.cache_clear()


@receiver(article_changed)
def article_synced(**kwargs: object) -> None:
    """Sent after the commit, before pages are purged: cached most-viewed lists go."""
    most_viewed_lists_forget()


@receiver(page_unpublished)
@receiver(post_delete, sender=ArticlePage)
def article_gone(*, instance: Any, **kwargs: object) -> None:
    """Beacons for an article that is no longer live are refused from now on."""
    live_article_forget(article_id=instance.pk)
