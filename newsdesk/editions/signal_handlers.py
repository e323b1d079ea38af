from typing import Any

from django.db.models.signals import post_delete, post_save

from newsdesk.core.services import page_cache_purge_on_commit


def edition_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Every page of an edition shows its name, tagline, footer and copyright notice."""
    page_cache_purge_on_commit(reason=f"edition {instance.locale_id}")


def connect() -> None:
    from .models import Edition

    post_save.connect(edition_changed, sender=Edition, dispatch_uid="editions_purge_on_save")
    post_delete.connect(edition_changed, sender=Edition, dispatch_uid="editions_purge_on_delete")
