"""A site in its own process, for test_backup_roundtrip.py (models are imported inside the
functions: this module is also imported before Django is set up).

`python -m newsdesk.operations.tests.roundtrip source DIR`: articles with images and views,
then a backup into DIR while a writer thread keeps publishing; prints what the site showed.
`... restore DIR`: restores DIR into this (fresh) instance; prints what it shows.
The database, media folder and counter come from the environment (DATABASE_URL, MEDIA_ROOT,
VIEW_COUNTER_*), so the two runs are two instances.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

SEED_ARTICLES = 4
WRITER_VIEWS = 2
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


def png(seed: str) -> bytes:
    from PIL import Image as PILImage

    colour = tuple(hashlib.sha256(seed.encode()).digest()[:3])
    out = io.BytesIO()
    PILImage.new("RGB", (12, 8), colour).save(out, format="PNG")
    return out.getvalue()


def collection_root_ensure() -> None:
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def article_with_image_and_views(section: Any, slug: str, *, views: int) -> None:
    """One story in one transaction: its image, the published article, its readers' views."""
    from django.core.files.images import ImageFile
    from django.db import transaction
    from django.test import RequestFactory
    from wagtail.images.models import Image

    from newsdesk.analytics.services import article_view_record
    from newsdesk.articles.tests.factories import ArticlePageFactory

    with transaction.atomic():
        image = Image.objects.create(title=slug, file=ImageFile(io.BytesIO(png(slug)), name=f"{slug}.png"))
        article = ArticlePageFactory.build(
            title=f"Story {slug}", slug=slug, locale_id=section.locale_id, listing_image=image
        )
        section.add_child(instance=article)
        article.save_revision().publish()
        for n in range(views):
            request = RequestFactory().post("/", REMOTE_ADDR=f"198.51.100.{n + 1}", HTTP_USER_AGENT=CHROME)
            assert article_view_record(article_id=article.pk, request=request).counted


def snapshot() -> dict[str, dict[str, Any]]:
    """What readers see of every article: title, liveness, its image's bytes, its view count."""
    from newsdesk.analytics.selectors import article_view_counts
    from newsdesk.articles.models import ArticlePage

    articles = list(ArticlePage.objects.select_related("listing_image").order_by("pk"))
    views = article_view_counts(articles=articles)
    shown = {}
    for article in articles:
        image = article.listing_image
        digest = None
        if image is not None:
            with image.file.open("rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        shown[article.slug] = {
            "title": article.title,
            "live": article.live,
            "image": image.file.name if image else None,
            "image_sha256": digest,
            "views": views[article.pk],
        }
    return shown


def expected_image_sha256(slug: str) -> str:
    return hashlib.sha256(png(slug)).hexdigest()


def source(directory: Path) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from newsdesk.articles.models import SectionPage

    # The edition tree is there: the test made the database from its own (`homes`).
    section = SectionPage.objects.filter(locale__language_code="en").order_by("path").first()
    collection_root_ensure()
    for n in range(SEED_ARTICLES):
        article_with_image_and_views(section, f"seed-{n}", views=n + 1)
    expected = snapshot()

    committed: list[str] = []
    stop = threading.Event()

    def write() -> None:
        try:
            n = 0
            while not stop.is_set():
                article_with_image_and_views(section, f"writer-{n}", views=WRITER_VIEWS)
                committed.append(f"writer-{n}")
                n += 1
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    deadline = time.monotonic() + 60
    while len(committed) < 2 and time.monotonic() < deadline and writer.is_alive():
        time.sleep(0.05)
    before = list(committed)
    out = io.StringIO()
    call_command("operations_backup", str(directory), stdout=out)
    stop.set()
    writer.join()
    # A story is recorded here after its commit (and its commit callbacks): one committed
    # during the backup may be in it and recorded only now.
    after = list(committed)
    return {"expected": expected, "before": before, "after": after, "output": out.getvalue()}


def restore(directory: Path) -> dict[str, Any]:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("operations_restore", str(directory), stdout=out)
    return {"shown": snapshot(), "output": out.getvalue()}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.operations.tests.roundtrip_settings")
    import django

    django.setup()
    action, directory = sys.argv[1], Path(sys.argv[2])
    result = source(directory) if action == "source" else restore(directory)
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
