"""What relevant news reads from an article, the same for site articles and evaluation items."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

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


def embedding_text(text: ArticleText) -> str:
    """Headline and lead (or the body's opening when there is no lead), at most MAX_CHARS."""
    joined = ". ".join(part for part in (text.title.strip(), (text.lead or text.body).strip()) if part)
    joined = _SPACES.sub(" ", joined)
    if len(joined) <= MAX_CHARS:
        return joined
    cut = joined[:MAX_CHARS]
    return cut[: cut.rfind(" ")] if " " in cut else cut
