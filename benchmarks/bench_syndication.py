"""Sitemaps, the Google News sitemap and an edition feed at 100,000 articles (issue 10).

    .venv/bin/python benchmarks/bench_syndication.py [--articles 100000] [--repeat 5]

Makes a throw-away SQLite database in a temporary folder (nothing is written to the
repository), migrates it and inserts --articles live articles in bulk (a benchmark, not an
import path): a third per edition, the same story in ru, kk and en sharing a translation key
(so every sitemap URL has hreflang alternates), published over the last 60 days so that the
last 48 hours hold more than the Google News limit of 1,000 per edition. Then, with every
cache emptied before each request, it prints the median time and the query count of: the
sitemap index, a sitemap page of articles (a middle page), the edition's listing
sitemap, the Google News sitemap and the edition's RSS feed (`/<lang>/feeds/rss/`, "not
available" until it exists).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fill(articles: int) -> float:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Page

    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.home.services import edition_tree_ensure

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    homes = edition_tree_ensure()
    article_type = ContentType.objects.get_for_model(ArticlePage)
    fields = [f for f in ArticlePage._meta.local_concrete_fields if f.name != "page_ptr"]
    per_edition = articles // 3
    keys = [uuid.uuid4() for _ in range(per_edition)]
    now = timezone.now()
    span = timedelta(days=60)
    for language, home in homes.items():
        sections = list(SectionPage.objects.child_of(home).order_by("path"))
        counters = {s.pk: 0 for s in sections}
        for chunk_start in range(0, per_edition, 5000):
            pages = []
            for k in range(chunk_start, min(per_edition, chunk_start + 5000)):
                section = sections[k % len(sections)]
                counters[section.pk] += 1
                published = now - span * (1 - k / per_edition)
                slug = f"story-{k}-{language}"
                pages.append(
                    Page(
                        path=Page._get_path(section.path, section.depth + 1, counters[section.pk]),
                        depth=section.depth + 1,
                        numchild=0,
                        title=f"Story number {k} of the {language} edition",
                        draft_title=f"Story number {k} of the {language} edition",
                        slug=slug,
                        url_path=f"{section.url_path}{slug}/",
                        content_type=article_type,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                        locale_id=home.locale_id,
                        translation_key=keys[k],
                    )
                )
            Page.objects.bulk_create(pages)
            created = dict(
                Page.objects.filter(slug__in=[p.slug for p in pages], locale_id=home.locale_id).values_list(
                    "slug", "pk"
                )
            )
            children = []
            for page in pages:
                child = ArticlePage(
                    page_ptr_id=created[page.slug],
                    lead="A lead sentence of the story.",
                    published_at=page.first_published_at,
                )
                child.body = [("paragraph", f"<p>Body of {page.title}.</p>")]
                children.append(child)
            ArticlePage._base_manager._insert(children, fields=[*fields, ArticlePage._meta.pk], raw=True)
        for section in sections:
            Page.objects.filter(pk=section.pk).update(numchild=counters[section.pk])
    return time.perf_counter() - started


def measure(url: str, repeat: int) -> tuple[float, float, int, int, int] | None:
    """(median seconds, median seconds in SQL, queries, bytes, status) of `url` with every cache emptied first."""
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    times, sql, queries, size, status = [], [], 0, 0, 0
    for _ in range(repeat):
        for alias in ("pages", "default"):
            caches[alias].clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        status = response.status_code
        if status == 404:
            return None
        queries, size = len(captured), len(response.content)
        sql.append(sum(float(q["time"]) for q in captured.captured_queries))
    return statistics.median(times), statistics.median(sql), queries, size, status


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page-size", type=int, default=None, help="SITEMAP_PAGE_SIZE to measure")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-syndication-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings.test",
        DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    os.environ.pop("REDIS_URL", None)
    if args.page_size:
        os.environ["SITEMAP_PAGE_SIZE"] = str(args.page_size)
    try:
        import django

        django.setup()
        from django.conf import settings

        from newsdesk.articles.models import ArticlePage

        seconds = fill(args.articles)
        live = ArticlePage.objects.live().count()
        print(
            f"== sqlite: {live} live articles, filled in {seconds:.1f} s; page size {settings.SITEMAP_PAGE_SIZE}"
        )
        pages = -(-(live // 3) // settings.SITEMAP_PAGE_SIZE)
        targets = [
            ("sitemap index", "/sitemap.xml"),
            (
                f"sitemap page {pages // 2 + 1} of {pages} (ru articles)",
                f"/sitemap-ru-articles.xml?p={pages // 2 + 1}",
            ),
            ("listing sitemap (ru home, sections, tags)", "/sitemap-ru.xml"),
            ("Google News sitemap (ru)", "/news-sitemap-ru.xml"),
            ("feed", "/ru/feeds/rss/"),
        ]
        for name, url in targets:
            result = measure(url, args.repeat)
            if result is None:
                print(f"  {name}: not available")
                continue
            median, in_sql, queries, size, status = result
            print(
                f"  {name} {url}: {median * 1000:.0f} ms uncached (median of {args.repeat}), "
                f"{queries} queries ({in_sql * 1000:.0f} ms in SQL), {size / 1024:.0f} KiB, HTTP {status}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
