"""Which article in another edition is the same story: cross-lingual similarity.

    score = cosine(e5) - hub(candidate) + NUMBER_WEIGHT * dice(numbers)

e5 (multilingual) places a story and its translation close together. Some items sit close to
everything ("hubs"); subtracting a candidate's mean similarity to its HUB_NEIGHBOURS nearest
items of the source edition (CSLS, Lample et al. 2018) took SIB-200 top-1 from 0.975-0.998 to
0.996-1.0. Numbers ("2,5 млрд", "2.5 billion", dates) agree across languages. Without an
embedder, numbers and names read through a Latin consonant key ("Тоқаев", "Токаев",
"Tokayev" -> "tkv") rank candidates alone; with one, the name key measured worse than nothing.
Figures in docs/search-and-related.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsdesk.editions.analysis import latin_key

NUMBER_WEIGHT = 0.1
NAME_WEIGHT = 0.5
HUB_NEIGHBOURS = 4
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]{2,})", re.UNICODE)


@dataclass(frozen=True)
class StoryCues:
    article_id: int
    embedding: np.ndarray | None
    numbers: frozenset[str]
    names: frozenset[str]


def story_cues(*, article_id: int, text: str, embedding: np.ndarray | None) -> StoryCues:
    numbers = frozenset(n.replace(",", ".") for n in _NUMBER.findall(text))
    names = frozenset(key for word in _CAPITALISED.findall(text) if len(key := latin_key(word)) >= 3)
    return StoryCues(article_id=article_id, embedding=embedding, numbers=numbers, names=names)


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2.0 * len(a & b) / (len(a) + len(b))


def candidate_hubness(candidates: Sequence[StoryCues], source_pool: np.ndarray | None) -> np.ndarray | None:
    """Each candidate's mean similarity to its HUB_NEIGHBOURS nearest items of the pool."""
    vectors = [c.embedding for c in candidates if c.embedding is not None]
    if source_pool is None or len(source_pool) < HUB_NEIGHBOURS or len(vectors) != len(candidates):
        return None
    similarity = np.vstack(vectors).astype(np.float32) @ np.asarray(source_pool, dtype=np.float32).T
    return np.sort(similarity, axis=1)[:, -HUB_NEIGHBOURS:].mean(axis=1)


def translation_scores(
    source: StoryCues,
    candidates: Sequence[StoryCues],
    source_pool: np.ndarray | None = None,
    hubness: np.ndarray | None = None,
) -> np.ndarray:
    """Scores of `candidates` as translations of `source`.

    `source_pool`: embeddings of the source edition's articles around the same time (the
    source included), against which each candidate's hubness is measured; `hubness`: the
    same, computed once for many sources (candidate_hubness).
    """
    scores = np.zeros(len(candidates), dtype=np.float32)
    embedded = [(i, c.embedding) for i, c in enumerate(candidates) if c.embedding is not None]
    with_vectors = [i for i, _embedding in embedded]
    if source.embedding is not None and embedded:
        matrix = np.vstack([embedding for _i, embedding in embedded]).astype(np.float32)
        cosine = matrix @ np.asarray(source.embedding, dtype=np.float32)
        if hubness is None and source_pool is not None:
            hubness = candidate_hubness([candidates[i] for i in with_vectors], source_pool)
        elif hubness is not None:
            hubness = hubness[with_vectors]
        if hubness is not None:
            cosine = cosine - hubness
        scores[with_vectors] = cosine
        for i, candidate in enumerate(candidates):
            scores[i] += NUMBER_WEIGHT * _dice(source.numbers, candidate.numbers)
        return scores
    for i, candidate in enumerate(candidates):
        scores[i] = NAME_WEIGHT * _dice(source.names, candidate.names) + _dice(
            source.numbers, candidate.numbers
        )
    return scores


def translation_ranking(
    source: StoryCues,
    candidates: Sequence[StoryCues],
    source_pool: np.ndarray | None = None,
    hubness: np.ndarray | None = None,
) -> list[tuple[int, float]]:
    """(article id, score) of every candidate, most likely translation first."""
    scores = translation_scores(source, candidates, source_pool, hubness)
    order = np.argsort(-scores, kind="stable")
    return [(candidates[i].article_id, float(scores[i])) for i in order]
