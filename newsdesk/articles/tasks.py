"""Background work of articles (django-tasks; the worker started by `make run`)."""

from __future__ import annotations

import logging

from django_tasks import task
from wagtail.images import get_image_model

from .photos import IMAGE_ERRORS, photo_renditions_generate

logger = logging.getLogger(__name__)


@task()
def photo_renditions_task(image_id: int) -> int:
    """Every rendition the site shows of one image (issue 14). An image gone since, or one
    whose file cannot be decoded, is logged and skipped: a reader's page then shows no photo
    (articles.templatetags.photo_tags) rather than failing, and the task does not retry."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return 0
    try:
        return photo_renditions_generate(image=image)
    except IMAGE_ERRORS as exc:
        logger.warning("renditions of image %s (%s) failed: %s", image_id, image.file.name, exc)
        return 0
