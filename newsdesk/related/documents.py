"""What relevant news reads from an article, the same for site articles and evaluation items."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from newsdesk.editions.analysis import analyse
from newsdesk.editions.analysis.embeddings import MAX_CHARS

# How much a word weighs by where it stands: a headline word says more than a body word.
TITLE_WEIGHT = 3
LEAD_WEIGHT = 2
TAG_WEIGHT = 3
TAG_PREFIX = "#"
# Kazakh stems carry derivational suffixes the stripper leaves on (-шы, -лық, -дағы ...), so a
# Kazakh stem longer than ROOT_LETTERS also counts as its first ROOT_LETTERS letters, marked
# with ROOT_PREFIX: "экономикалық" and "экономика" share "~эконо". Measured on SIB-200 kk:
# precision@5 0.668 -> 0.677 (docs/search-and-related.md). Search is not affected.
ROOT_LANGUAGES = frozenset({"kk"})
ROOT_LETTERS = 5
ROOT_PREFIX = "~"
_SPACES = re.compile(r"\s+")
# Long articles are embedded in more than their opening: e5-small reads about MAX_CHARS at a
# time, and a body window costs as much as the opening (docs/search-and-related.md).
EXTRA_WINDOWS = 0
MIN_WINDOW_CHARS = 100


@dataclass(frozen=True)
class ArticleText:
    language: str
    title: str = ""
    lead: str = ""
    body: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


def _terms(text: str, language: str) -> list[str]:
    terms = analyse(text, language)
    if language not in ROOT_LANGUAGES:
        return terms
    return terms + [ROOT_PREFIX + t[:ROOT_LETTERS] for t in terms if len(t) > ROOT_LETTERS]


def article_terms(text: ArticleText) -> dict[str, int]:
    """Weighted term counts: title, lead and tags count more than body words."""
    counts: Counter[str] = Counter()
    for term in _terms(text.title, text.language):
        counts[term] += TITLE_WEIGHT
    for term in _terms(text.lead, text.language):
        counts[term] += LEAD_WEIGHT
    counts.update(_terms(text.body, text.language))
    for tag in text.tags:
        counts[TAG_PREFIX + tag.strip().lower()] += TAG_WEIGHT
    return dict(counts)


def _cut(text: str, limit: int) -> tuple[str, str]:
    """The first `limit` characters of `text` ending on a word, and the rest."""
    if len(text) <= limit:
        return text, ""
    cut = text[:limit]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut, text[len(cut) :].lstrip()


def embedding_texts(text: ArticleText) -> list[str]:
    """What is embedded: headline and lead (or the body's opening when there is no lead), at
    most MAX_CHARS, then up to EXTRA_WINDOWS further MAX_CHARS of the body that the first
    text did not cover (a rest under MIN_WINDOW_CHARS is left out). The article's embedding is
    the normalised mean of theirs (combined_embedding)."""
    opening = _SPACES.sub(
        " ", ". ".join(p for p in (text.title.strip(), (text.lead or text.body).strip()) if p)
    )
    first, rest = _cut(opening, MAX_CHARS)
    if text.lead:
        rest = _SPACES.sub(" ", text.body.strip())
    texts = [first] if first else []
    for _ in range(EXTRA_WINDOWS):
        if len(rest) < MIN_WINDOW_CHARS:
            break
        window, rest = _cut(rest, MAX_CHARS)
        texts.append(window)
    return texts


def embedding_text(text: ArticleText) -> str:
    """Headline and lead (or the body's opening when there is no lead), at most MAX_CHARS."""
    texts = embedding_texts(text)
    return texts[0] if texts else ""


def combined_embedding(vectors: np.ndarray) -> np.ndarray:
    """One unit vector for an article from the embeddings of its embedding_texts."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean
