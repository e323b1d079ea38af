"""The per-process relevance indexes, kept in step with the ArticleVector table.

The database is the truth; a process (the task worker) holds one EditionIndex per language
in memory. Before each use the index checks a checksum of the table (row count and the sum of
the rows' random stamps, one aggregate query); only if it differs does it compare stamps row by
row and load what changed. A worker's own writes are applied to its index directly, so the
usual publish costs one aggregate query. Any number of workers, rolled-back transactions and
deleted pages leave the index correct because the check is against the table itself.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from newsdesk.editions.analysis.embeddings import vector_from_bytes

from .index import EditionIndex, IndexedDoc
from .models import ArticleVector

LOAD_BATCH = 2000


@dataclass
class _Held:
    index: EditionIndex
    stamps: dict[int, int] = field(default_factory=dict)

    @property
    def checksum(self) -> tuple[int, int]:
        return len(self.stamps), sum(self.stamps.values())


_lock = threading.RLock()
_held: dict[str, _Held] = {}


def doc_from_vector(vector: ArticleVector) -> IndexedDoc:
    return IndexedDoc(
        article_id=vector.article_id,
        terms=vector.terms,
        embedding=vector_from_bytes(vector.embedding),
        published=vector.published_at.timestamp(),
        section_id=vector.section_id,
    )


def _load(held: _Held, article_ids: list[int]) -> None:
    for start in range(0, len(article_ids), LOAD_BATCH):
        chunk = article_ids[start : start + LOAD_BATCH]
        vectors = list(ArticleVector.objects.filter(pk__in=chunk))
        held.index.add_many(doc_from_vector(v) for v in vectors)
        held.stamps.update({v.article_id: v.stamp for v in vectors})


def index_for(language: str) -> EditionIndex:
    """The language's index, brought up to date with the ArticleVector table."""
    with _lock:
        held = _held.get(language)
        if held is None:
            held = _held[language] = _Held(index=EditionIndex(language))
        totals = ArticleVector.objects.filter(language=language).aggregate(n=Count("pk"), s=Sum("stamp"))
        if (totals["n"], totals["s"] or 0) == held.checksum:
            return held.index
        current = dict(ArticleVector.objects.filter(language=language).values_list("article_id", "stamp"))
        for article_id in [a for a in held.stamps if a not in current]:
            held.index.remove(article_id)
            del held.stamps[article_id]
        changed = [a for a, stamp in current.items() if held.stamps.get(a) != stamp]
        _load(held, changed)
        if held.index.delta_size > 1 and len(changed) > 1:
            held.index.merge()
        return held.index


def index_apply(vector: ArticleVector) -> None:
    """Put a vector this process has just written into its index (saves a reload)."""
    with _lock:
        held = _held.get(vector.language)
        if held is None:
            return
        held.index.upsert(doc_from_vector(vector))
        held.stamps[vector.article_id] = vector.stamp


def index_forget(*, language: str, article_id: int) -> None:
    with _lock:
        held = _held.get(language)
        if held is not None and held.stamps.pop(article_id, None) is not None:
            held.index.remove(article_id)


def index_drop_all() -> None:
    """Forget every index (the next use reloads from the table); for rebuilds and tests."""
    with _lock:
        _held.clear()
