"""Partner wires in (issue 11): ingesting a 500-item feed, and the near-duplicate check.

    .venv/bin/python benchmarks/bench_wires.py [--items 500] [--signatures 100000]

1. A throw-away SQLite database (temporary file) is migrated; a local HTTP server on 127.0.0.1
   serves an RSS feed of --items items built at run time from ../shared/corpora (BBC texts,
   never copied into the repository). One wire ingests it through the real path (fetch,
   parse, clean, near-duplicate check, draft, revision, "Wire review" workflow): time and
   peak memory (tracemalloc, and the process's maximum RSS); then again, every item unchanged.
2. The near-duplicate check at --signatures earlier items: MinHash signatures of corpus texts
   (BBC, Lenta.ru) repeated with a share of their positions perturbed, indexed as the ingest
   does; per item, the signature of a new text and the look-up (ms per item), and how many of
   the near-copies are found.
Nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def paragraphs(text: str) -> str:
    from html import escape

    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n") if p.strip())


def bench_ingest(items: int, corpora: Path) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from newsdesk.articles.models import ArticlePage, PartnerAgency, SectionPage
    from newsdesk.home.services import edition_tree_ensure
    from newsdesk.related.evaluation import load_bbc
    from newsdesk.wires.models import Wire
    from newsdesk.wires.services import ingest_wire
    from newsdesk.wires.tests.desk_fixtures import Entry, rss
    from newsdesk.wires.tests.feedserver import FeedServer, Static

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    homes = edition_tree_ensure()
    report: dict = {"migrate_seconds": round(time.perf_counter() - started, 1)}
    texts = load_bbc(corpora)
    entries = [
        Entry(
            guid=f"bench-{n}",
            title=(item.title or item.text[:80])[:200],
            body=paragraphs(item.text),
            link=f"https://partner.example/news/{n}",
            description=item.text.split("\n", 1)[0][:300],
        )
        for n, item in enumerate(texts[: items + 100])
    ]
    feed = rss(entries[:items])
    report["feed_bytes"] = len(feed)
    section = SectionPage.objects.child_of(homes["en"]).first()
    assert section is not None
    partner = PartnerAgency.objects.get_or_create(name="Bench Agency")[0]
    memory_entries = entries[items:]
    with FeedServer() as server:
        url = server.route("/rss", Static(feed, "application/rss+xml"))
        wire = Wire.objects.create(
            partner=partner, name="bench", feed_url=url, edition_id=section.locale_id, section=section
        )
        queries = [0]

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            queries[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            first = ingest_wire(wire)
        report["ingest_seconds"] = round(time.perf_counter() - started, 2)
        report["queries_per_draft"] = round(queries[0] / max(first.tally.created, 1), 1)
        report["ingest_tally"] = first.tally.as_dict()
        report["ms_per_item"] = round(1000 * report["ingest_seconds"] / max(items, 1), 1)
        wire.refresh_from_db()
        wire.etag = wire.last_modified = ""  # the second run reads the whole feed again
        started = time.perf_counter()
        second = ingest_wire(wire)
        report["reingest_unchanged_seconds"] = round(time.perf_counter() - started, 2)
        report["reingest_tally"] = second.tally.as_dict()
        # Memory apart (tracemalloc slows Python down several times): another feed of new items.
        other = server.route("/more", Static(rss(memory_entries), "application/rss+xml"))
        wire = Wire.objects.create(
            partner=partner, name="bench 2", feed_url=other, edition_id=section.locale_id, section=section
        )
        tracemalloc.start()
        third = ingest_wire(wire)
        report[f"tracemalloc_peak_mib_{third.tally.created}_items"] = round(
            tracemalloc.get_traced_memory()[1] / 2**20, 1
        )
        tracemalloc.stop()
    report["drafts"] = ArticlePage.objects.filter(source=partner, live=False).count()
    report["max_rss_mib"] = round(peak_mib(), 1)
    return report


def perturb(signature, share: float, rng: random.Random):  # type: ignore[no-untyped-def]
    import numpy as np

    copy = signature.copy()
    positions = rng.sample(range(len(copy)), int(share * len(copy)))
    copy[positions] = np.array([rng.getrandbits(32) for _ in positions], dtype=np.uint32)
    return copy


def bench_duplicates(signatures: int, corpora: Path, queries: int = 500) -> dict:
    import numpy as np

    from newsdesk.related.evaluation import load_bbc, load_lenta
    from newsdesk.wires.duplicates import SignatureIndex, signature_of, similarity

    rng = random.Random(11)
    texts = [i.title + " " + i.text for i in load_bbc(corpora)] + [i.text for i in load_lenta(corpora)]
    started = time.perf_counter()
    base = [signature_of(text) for text in texts]
    per_text_ms = 1000 * (time.perf_counter() - started) / len(texts)
    # Earlier items: each corpus text many times, 60-95% of its positions changed (other stories
    # that share little), so that the index holds `signatures` distinct rows.
    rows = np.vstack([perturb(base[k % len(base)], rng.uniform(0.6, 0.95), rng) for k in range(signatures)])
    started = time.perf_counter()
    index = SignatureIndex(list(range(signatures)), rows)
    build_seconds = time.perf_counter() - started
    # New items: half near-copies of an indexed row (20% of positions changed: ~0.8), half new.
    targets = [rng.randrange(signatures) for _ in range(queries // 2)]
    near = [perturb(rows[t], 0.2, rng) for t in targets]
    fresh_texts = [
        " ".join(rng.sample(texts[rng.randrange(len(texts))].split(), 60)) for _ in range(queries // 2)
    ]
    timings, found = [], 0
    for n, signature in enumerate(near):
        started = time.perf_counter()
        hit = index.find(signature, threshold=0.5)
        timings.append(time.perf_counter() - started)
        found += hit is not None and hit[0] == targets[n]
    false_hits = 0
    for text in fresh_texts:
        signature = signature_of(text)
        started = time.perf_counter()
        hit = index.find(signature, threshold=0.5)
        timings.append(time.perf_counter() - started)
        false_hits += hit is not None
    scan_started = time.perf_counter()
    for signature in near[:50]:
        np.count_nonzero(rows == signature, axis=1).argmax()
    scan_ms = 1000 * (time.perf_counter() - scan_started) / 50
    return {
        "indexed_signatures": signatures,
        "signature_ms_per_text": round(per_text_ms, 2),
        "index_build_seconds": round(build_seconds, 2),
        "lookup_ms_per_item_p50": round(1000 * statistics.median(timings), 3),
        "lookup_ms_per_item_p95": round(1000 * sorted(timings)[int(0.95 * len(timings))], 3),
        "near_copies_found": f"{found}/{len(near)}",
        "new_items_wrongly_matched": f"{false_hits}/{len(fresh_texts)}",
        "brute_force_scan_ms_per_item": round(scan_ms, 1),
        "example_similarity_of_a_near_copy": round(similarity(near[0], rows[targets[0]]), 2),
        "max_rss_mib": round(peak_mib(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--signatures", type=int, default=100_000)
    args = parser.parse_args()
    corpora = Path(os.environ.get("RELATED_CORPORA_DIR", ROOT.parent / "shared" / "corpora"))
    with tempfile.TemporaryDirectory(prefix="bench-wires-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["WIRES_ALLOW_PRIVATE_NETWORKS"] = "1"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings.test")
        os.environ.setdefault("RELATED_EMBEDDER", "newsdesk.editions.analysis.embeddings.NullEmbedder")
        import django

        django.setup()
        print("near-duplicate check:")
        for key, value in bench_duplicates(args.signatures, corpora).items():
            print(f"  {key}: {value}")
        print(f"ingest of a {args.items}-item feed:")
        for key, value in bench_ingest(args.items, corpora).items():
            print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
