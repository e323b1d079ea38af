"""Relevant news and search at 100,000 articles (issue 5).

    .venv/bin/python benchmarks/bench_search.py [--articles 100000] [--backends sqlite,postgresql]
                                                 [--skip-rebuild-on postgresql]

For each database it makes a throw-away database (a temporary SQLite file; a PostgreSQL
database bench_search_<pid> created on DATABASE_URL's server, postgres://postgres@127.0.0.1:5432
by default, and dropped at the end), migrates it and fills it with --articles live articles:
the corpora in ../shared/corpora (BBC for en, Lenta.ru for ru, SIB-200 for kk) replicated with
new ids, slugs and dates, one edition in three each, spread over a year. Pages are inserted in
bulk (a benchmark, not an import path); each article's vector and search document are made
by the same functions the site uses, once per distinct text. Nothing is written to the
repository. Then it prints:

- relevant news for one newly published article: its own list (vector, index, list) and the
  whole background refresh (plus its 10 nearest articles' lists and translation suggestions),
  with a warm index as in the worker; the cold index load is printed too;
- `related_rebuild` over every article: time and peak memory (lists only on PostgreSQL by
  default: the index work is the same, the database is the difference);
- search: p50/p95 of what the search page does for a query (count, the page of 10 results
  with highlighted snippets) over 300 queries (titles, key words, one and two common words).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_backend(backend: str, articles: int, rebuild: bool) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from wagtail.models import Page

    from newsdesk.articles.documents import article_document_build
    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.articles.tests.factories import article_publish
    from newsdesk.editions.analysis.embeddings import EmbeddingCache, vector_to_bytes
    from newsdesk.home.services import edition_tree_ensure
    from newsdesk.related import evaluation, services
    from newsdesk.related.documents import ArticleText, article_terms, embedding_text
    from newsdesk.related.index_store import index_drop_all, index_for
    from newsdesk.related.models import ArticleVector, RelatedArticle
    from newsdesk.search.evaluation import key_word_query
    from newsdesk.search.models import SearchDocument
    from newsdesk.search.selectors import article_search
    from newsdesk.search.services import search_document_fields

    report: dict = {"backend": backend, "articles": articles}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    homes = edition_tree_ensure()
    report["migrate_seconds"] = round(time.perf_counter() - started, 1)

    root = Path(os.environ.get("RELATED_CORPORA_DIR", ROOT.parent / "shared" / "corpora"))
    corpora = {
        "en": evaluation.load_bbc(root),
        "ru": evaluation.load_lenta(root),
        "kk": [i for i in evaluation.load_sib(root) if i.lang == "kk"],
    }
    from django.conf import settings

    cache = EmbeddingCache(Path(settings.RELATED_EMBEDDING_CACHE), services.embedder())
    from django.contrib.contenttypes.models import ContentType

    article_type = ContentType.objects.get_for_model(ArticlePage)
    fields = list(ArticlePage._meta.local_concrete_fields)
    per_edition = articles // 3
    start_day = datetime(2025, 1, 1, tzinfo=UTC)
    span = timedelta(days=365)
    fill_started = time.perf_counter()
    for language, items in corpora.items():
        texts = [ArticleText(language=language, title=i.title or i.text[:80], body=i.text) for i in items]
        vectors = cache.embed([embedding_text(t) for t in texts])
        prepared = [
            (
                t,
                article_terms(t),
                vector_to_bytes(vectors[n]) if vectors is not None else None,
                hashlib.sha256(embedding_text(t).encode()).hexdigest(),
                search_document_fields(language=language, title=t.title, lead="", body=t.body, tags=[]),
            )
            for n, t in enumerate(texts)
        ]
        sections = list(SectionPage.objects.child_of(homes[language]).order_by("path"))
        locale_id = homes[language].locale_id
        counters = {s.pk: 0 for s in sections}
        for chunk_start in range(0, per_edition, 2000):
            pages, children, vector_rows, search_rows = [], [], [], []
            for k in range(chunk_start, min(per_edition, chunk_start + 2000)):
                text, terms, embedding, key, search_fields = prepared[k % len(prepared)]
                section = sections[k % len(sections)]
                counters[section.pk] += 1
                published = start_day + span * (k / per_edition)
                slug = f"a{k}-{language}"
                pages.append(
                    Page(
                        path=Page._get_path(section.path, section.depth + 1, counters[section.pk]),
                        depth=section.depth + 1,
                        numchild=0,
                        title=text.title[:255],
                        draft_title=text.title[:255],
                        slug=slug,
                        url_path=f"{section.url_path}{slug}/",
                        content_type=article_type,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                        locale_id=locale_id,
                        translation_key=uuid.uuid4(),
                    )
                )
            Page.objects.bulk_create(pages)
            # bulk_create does not return ids on SQLite before 3.35 for every backend; read back.
            created = dict(
                Page.objects.filter(slug__in=[p.slug for p in pages], locale_id=locale_id).values_list(
                    "slug", "pk"
                )
            )
            for offset, page in enumerate(pages):
                k = chunk_start + offset
                text, terms, embedding, key, search_fields = prepared[k % len(prepared)]
                published = page.first_published_at
                child = ArticlePage(page_ptr_id=created[page.slug], lead="", published_at=published)
                child.body = [("paragraph", f"<p>{text.body[:4000]}</p>")]
                children.append(child)
                section_id = sections[k % len(sections)].pk
                vector_rows.append(
                    ArticleVector(
                        article_id=created[page.slug],
                        language=language,
                        section_id=section_id,
                        published_at=published,
                        terms=terms,
                        embedding=embedding,
                        embedding_key=key if embedding else "",
                        stamp=random.randrange(1, 2**31),
                    )
                )
                search_rows.append(
                    SearchDocument(
                        article_id=created[page.slug],
                        language=language,
                        section_id=section_id,
                        published_at=published,
                        **search_fields,
                    )
                )
            ArticlePage._base_manager._insert(
                children,
                fields=[f for f in fields if f.name != "page_ptr"] + [ArticlePage._meta.pk],
                raw=True,
            )
            ArticleVector.objects.bulk_create(vector_rows)
            SearchDocument.objects.bulk_create(search_rows)
        for section in sections:
            Page.objects.filter(pk=section.pk).update(numchild=counters[section.pk])
    report["fill_seconds"] = round(time.perf_counter() - fill_started, 1)
    report["live_articles"] = ArticlePage.objects.live().count()

    # --- relevant news for one new article -------------------------------------------
    index_drop_all()
    started = time.perf_counter()
    for language in corpora:
        index_for(language)
    report["index_cold_load_seconds"] = round(time.perf_counter() - started, 2)
    report["memory_after_index_mib"] = round(peak_mib())
    own, full, embed = [], [], []
    for n, language in enumerate(["en", "ru", "kk"] * 3):
        item = corpora[language][n * 7 % len(corpora[language])]
        section = SectionPage.objects.child_of(homes[language]).first()
        # Published as an editor would (the background refresh runs in-process here), then
        # the task's two parts are timed again on their own; the embedding is timed apart.
        article = article_publish(
            section=section,
            title=(item.title or item.text[:80]) + f" {n}",
            slug=f"bench-new-{n}",
            paragraphs=[item.text[:4000]],
            lead="",
            published_at=start_day + span,
        )
        article = ArticlePage.objects.select_related("locale").get(pk=article.pk)
        document = article_document_build(article=article)
        assert document is not None  # just published, so listed
        t0 = time.perf_counter()
        services.embedder().embed([embedding_text(services.article_text(document=document))])
        embed.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        services.related_list_update(article=article, document=document)
        own.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        services.related_refresh(article_id=article.pk)
        full.append(time.perf_counter() - t0)
    report["related_one_article_own_list_seconds"] = {
        "median": round(statistics.median(own), 3),
        "max": round(max(own), 3),
    }
    report["related_one_article_full_refresh_seconds"] = {
        "median": round(statistics.median(full), 3),
        "max": round(max(full), 3),
    }
    report["embed_one_lead_seconds"] = round(statistics.median(embed), 3)
    report["related_rows_of_new_article"] = RelatedArticle.objects.filter(article=article).count()

    # --- full rebuild ------------------------------------------------------------------
    if rebuild:
        before = peak_mib()
        started = time.perf_counter()
        result = services.related_rebuild()
        report["rebuild"] = {
            "seconds": round(time.perf_counter() - started, 1),
            "phases": {k: round(v, 1) for k, v in result.seconds.items()},
            "articles": result.articles,
            "lists": result.lists,
            "peak_memory_mib": round(peak_mib()),
            "peak_memory_before_mib": round(before),
        }

    # --- search ------------------------------------------------------------------------
    rng = random.Random(5)
    queries = []
    for language, items in corpora.items():
        for _ in range(100):
            item = rng.choice(items)
            kind = rng.randrange(4)
            if kind == 0 and item.title:
                queries.append((language, item.title))
            elif kind <= 1:
                queries.append((language, key_word_query(item.text, language, Counter(), len(items))))
            else:
                words = [w for w in item.text.split() if len(w) > 4]
                queries.append((language, " ".join(rng.sample(words, min(kind - 1, len(words))))))
    timings = []
    for language, query_text in queries:
        t0 = time.perf_counter()
        results = article_search(language=language, text=query_text)
        total = len(results)
        hits = results[0:10] if total else []
        timings.append(time.perf_counter() - t0)
        assert total == 0 or hits
    timings.sort()
    report["search_queries"] = len(timings)
    report["search_ms"] = {
        "p50": round(1000 * timings[len(timings) // 2], 1),
        "p95": round(1000 * timings[int(len(timings) * 0.95)], 1),
        "max": round(1000 * timings[-1], 1),
    }
    report["peak_memory_mib"] = round(peak_mib())
    connection.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--skip-rebuild-on", default="postgresql", help="Comma-separated backends without the rebuild."
    )
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.backend:  # the child process: one backend, settings fixed before Django starts
        print(
            json.dumps(
                run_backend(args.backend, args.articles, args.backend not in args.skip_rebuild_on.split(","))
            )
        )
        return

    for backend in [b for b in args.backends.split(",") if b]:
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="newsdesk.settings.test",
            TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        )
        env.pop("REDIS_URL", None)
        cleanup: Callable[[], object] | None = None
        if backend == "sqlite":
            folder = tempfile.mkdtemp(prefix="bench-search-")
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"

            def remove_folder(folder: str = folder) -> None:
                subprocess.run(["rm", "-rf", folder], check=False)

            cleanup = remove_folder
        elif backend == "postgresql":
            import psycopg

            name = f"bench_search_{os.getpid()}"
            with psycopg.connect(PG_SERVER, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"

            def drop_database(name: str = name) -> None:
                with psycopg.connect(PG_SERVER, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

            cleanup = drop_database
        else:
            sys.exit(f"unknown backend {backend}")
        try:
            started = time.perf_counter()
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--backend",
                    backend,
                    "--articles",
                    str(args.articles),
                    "--skip-rebuild-on",
                    args.skip_rebuild_on,
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if child.returncode != 0:
                sys.stderr.write(child.stderr[-4000:])
                sys.exit(f"{backend}: the benchmark failed")
            report = json.loads(child.stdout.strip().splitlines()[-1])
            report["wall_seconds"] = round(time.perf_counter() - started, 1)
            print_report(report)
        finally:
            if cleanup is not None:
                cleanup()


def print_report(r: dict) -> None:
    print(
        f"== {r['backend']}: {r['live_articles']} live articles (filled in {r['fill_seconds']} s, migrate {r['migrate_seconds']} s)"
    )
    print(
        f"  relevant news index, cold load of 3 editions: {r['index_cold_load_seconds']} s; process memory then {r['memory_after_index_mib']} MiB"
    )
    own, full = r["related_one_article_own_list_seconds"], r["related_one_article_full_refresh_seconds"]
    print(
        f"  relevant news for one new article (warm index), own list: median {own['median']} s, max {own['max']} s (target < 0.5 s)"
    )
    print(
        f"  embedding its title and lead with e5 (once, at first publication): median {r['embed_one_lead_seconds']} s"
    )
    print(
        f"  whole background refresh (own list + 10 neighbours' lists + translation suggestions): median {full['median']} s, max {full['max']} s"
    )
    if "rebuild" in r:
        b = r["rebuild"]
        phases = ", ".join(f"{k} {v} s" for k, v in b["phases"].items())
        print(
            f"  related_rebuild of {b['articles']} articles: {b['seconds']} s ({phases}); peak memory {b['peak_memory_mib']} MiB"
        )
    s = r["search_ms"]
    print(
        f"  search ({r['search_queries']} queries, count + first page with snippets): p50 {s['p50']} ms, p95 {s['p95']} ms, max {s['max']} ms (target p95 < 100 ms)"
    )
    print(f"  peak memory {r['peak_memory_mib']} MiB; wall time {r['wall_seconds']} s")


if __name__ == "__main__":
    main()
