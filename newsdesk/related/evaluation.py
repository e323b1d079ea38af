"""Quality figures of relevant news and translation suggestions, measured with the site's code.

Corpora are read at run time from RELATED_CORPORA_DIR (../shared/corpora) or from a JSONL file
given with --corpus; nothing of them is stored in the repository. Each item goes through the
same analysis (documents.article_terms, embedding_text), the same EditionIndex scoring and the
same translation ranking that serve the site; only the database is left out, because the
items are not articles. Search is measured by the search app (search/evaluation.py) through
its own database engine.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from newsdesk.editions.analysis.embeddings import EmbeddingCache, NullEmbedder

from .documents import ArticleText, article_terms, embedding_text
from .index import EditionIndex, IndexedDoc
from .services import embedder
from .translations import candidate_hubness, story_cues, translation_ranking

LANGUAGES = ("ru", "kk", "en")
SIB_FOLDERS = {"rus_Cyrl": "ru", "kaz_Cyrl": "kk", "eng_Latn": "en"}
LENTA_TOPICS = {
    "0": "society",
    "1": "economy",
    "2": "security",
    "3": "former-ussr",
    "4": "sport",
    "5": "values",
    "6": "habitat",
    "7": "travel",
    "8": "science",
}


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    text: str
    title: str = ""
    label: str | None = None
    group: str | None = None

    def article_text(self) -> ArticleText:
        return ArticleText(language=self.lang, title=self.title, body=self.text)


class CorpusError(Exception):
    pass


def _dedupe(items: Iterable[Item]) -> list[Item]:
    seen: set[str] = set()
    unique = []
    for item in items:
        key = re.sub(r"\s+", " ", item.text.strip().lower())
        if key in seen:
            continue
        seen.add(key)
        unique.append(item)
    return unique


def load_bbc(root: Path) -> list[Item]:
    path = root / "en-bbc-news" / "bbc_news.jsonl"
    items = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            items.append(
                Item(id=row["id"], lang="en", title=row["title"], text=row["text"], label=row["category"])
            )
    return _dedupe(items)


def load_lenta(root: Path) -> list[Item]:
    path = root / "ru-lenta-9topics" / "lenta_train_news_773.csv"
    with path.open(encoding="utf-8", newline="") as rows:
        # The file's `index` column repeats across topics: number the rows instead.
        items = [
            Item(
                id=f"lenta-{n}",
                lang="ru",
                text=row["content"],
                label=LENTA_TOPICS.get(row["topic"], row["topic"]),
            )
            for n, row in enumerate(csv.DictReader(rows), start=1)
        ]
    return _dedupe(items)


def load_sib(root: Path) -> list[Item]:
    items = []
    for folder, lang in SIB_FOLDERS.items():
        for split in ("train", "dev"):
            path = root / "sib200-en-ru-kk" / folder / f"{split}.tsv"
            with path.open(encoding="utf-8", newline="") as rows:
                for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
                    items.append(
                        Item(
                            id=f"sib-{lang}-{row['index_id']}",
                            lang=lang,
                            text=row["text"],
                            label=row["category"],
                            group=f"sib-{row['index_id']}",
                        )
                    )
    return items


def load_jsonl(path: Path) -> list[Item]:
    """A labelled set: one JSON object a line with id, lang, text and optional title, label, group."""
    items = []
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    raise CorpusError(f"{path}:{number}: not JSON ({error.msg})") from error
                if not isinstance(row, dict) or not all(
                    isinstance(row.get(k), str) for k in ("id", "lang", "text")
                ):
                    raise CorpusError(f"{path}:{number}: needs string fields id, lang and text")
                if row["lang"] not in LANGUAGES:
                    raise CorpusError(f"{path}:{number}: lang must be one of {', '.join(LANGUAGES)}")
                items.append(
                    Item(
                        id=row["id"],
                        lang=row["lang"],
                        text=row["text"],
                        title=str(row.get("title") or ""),
                        label=None if row.get("label") is None else str(row["label"]),
                        group=None if row.get("group") is None else str(row["group"]),
                    )
                )
    except OSError as error:
        raise CorpusError(f"{path}: {error.strerror}") from error
    if not items:
        raise CorpusError(f"{path}: no items")
    return items


def shared_corpora(root: Path) -> dict[str, list[Item]]:
    if not root.is_dir():
        raise CorpusError(f"{root}: corpora folder not found (set RELATED_CORPORA_DIR)")
    return {
        "BBC News (en)": load_bbc(root),
        "Lenta.ru (ru)": load_lenta(root),
        "SIB-200 (kk, en, ru)": load_sib(root),
    }


# --- embeddings with a disk cache ---------------------------------------------------------


def corpus_embedder(use_embeddings: bool) -> EmbeddingCache | NullEmbedder:
    if not use_embeddings or isinstance(embedder(), NullEmbedder):
        return NullEmbedder()
    return EmbeddingCache(Path(settings.RELATED_EMBEDDING_CACHE), embedder())


def _embeddings(items: list[Item], cache: EmbeddingCache | NullEmbedder) -> list[np.ndarray | None]:
    vectors = cache.embed([embedding_text(item.article_text()) for item in items])
    if vectors is None:
        return [None] * len(items)
    return list(vectors)


# --- the figures ------------------------------------------------------------------------


def precision_at_5(items: list[Item], vectors: list[np.ndarray | None]) -> float | None:
    """Leave-one-out: the share of an item's 5 relevant items that carry its label."""
    labelled = [(i, v) for i, v in zip(items, vectors, strict=True) if i.label is not None]
    if len(labelled) < 6:
        return None
    index = EditionIndex(labelled[0][0].lang)
    docs = [
        IndexedDoc(article_id=n, terms=article_terms(item.article_text()), embedding=vector)
        for n, (item, vector) in enumerate(labelled)
    ]
    index.add_many(docs)
    index.merge()
    hits = 0
    for doc, (item, _vector) in zip(docs, labelled, strict=True):
        nearest = index.nearest(doc, limit=5)
        hits += sum(labelled[n][0].label == item.label for n, _score in nearest)
    return hits / (5 * len(labelled))


def evaluate_related(items: list[Item], cache: EmbeddingCache | NullEmbedder) -> dict[str, dict[str, float]]:
    by_language: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_language[item.lang].append(item)
    figures: dict[str, float] = {}
    for lang, lang_items in by_language.items():
        value = precision_at_5(lang_items, _embeddings(lang_items, cache))
        if value is not None:
            figures[lang] = value
    return {"precision_at_5": figures}


def evaluate_translations(
    items: list[Item], cache: EmbeddingCache | NullEmbedder
) -> dict[str, dict[str, float]]:
    """Top-1 of the translation ranking: is the true version of an item the first suggestion?"""
    grouped = [i for i in items if i.group is not None]
    by_language: dict[str, list[Item]] = defaultdict(list)
    for item in grouped:
        by_language[item.lang].append(item)
    if len(by_language) < 2:
        return {"cross_edition_top1": {}}
    cues: dict[str, list] = {}
    for lang, lang_items in by_language.items():
        vectors = _embeddings(lang_items, cache)
        cues[lang] = [
            story_cues(article_id=n, text=f"{item.title} {item.text}", embedding=vector)
            for n, (item, vector) in enumerate(zip(lang_items, vectors, strict=True))
        ]
    figures: dict[str, float] = {}
    for source_lang, sources in by_language.items():
        pool_vectors = [c.embedding for c in cues[source_lang] if c.embedding is not None]
        pool = np.vstack(pool_vectors) if pool_vectors else None
        for target_lang, targets in by_language.items():
            if target_lang == source_lang:
                continue
            where = {item.group: n for n, item in enumerate(targets)}
            hubness = candidate_hubness(cues[target_lang], pool)  # the same for every source
            hits = total = 0
            for n, item in enumerate(sources):
                if item.group not in where:
                    continue
                ranking = translation_ranking(cues[source_lang][n], cues[target_lang], pool, hubness)
                hits += ranking[0][0] == where[item.group]
                total += 1
            if total:
                figures[f"{source_lang}->{target_lang}"] = hits / total
    return {"cross_edition_top1": figures}


def label_counts(items: list[Item]) -> Counter[str]:
    return Counter(i.lang for i in items)
