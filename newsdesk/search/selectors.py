"""Reads of the search app: ranked, filtered, highlighted results for one edition."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import overload

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles.models import ArticlePage
from newsdesk.editions.analysis import query_terms, readings_of, word_spans

from .engines import COUNT_CAP, SearchEngine, SearchQuery, search_engine
from .models import SearchDocument

SNIPPET_CHARS = 260
# More words than this are not a query a reader types; the rest are ignored.
MAX_TERMS = 16


def search_terms(*, language: str, text: str) -> tuple[tuple[str, ...], ...]:
    """The reader's query as index terms of the edition's language, one group of alternatives
    per word, without repeats: "Токаев закона" -> (("токай", "токаев"), ("закон",)).

    A word's group holds its term and its name reading whatever the case typed, because the
    text is indexed by case: "Токаев" in an article is "токаев", "токаев" is "токай".
    """
    return tuple(dict.fromkeys(query_terms(text, language)))[:MAX_TERMS]


def highlight(
    text: str, terms: Iterable[Sequence[str]], language: str, max_chars: int | None = None
) -> SafeString:
    """`text` escaped, with the words whose term is one of the groups' terms wrapped in <mark>.

    Each word is read as it was indexed (its case included, every reading), so "Токаева" in
    the text is marked for the query "токаев". With `max_chars`, the part of that length
    holding the most matches, cut at words.
    """
    wanted = {term for group in terms for term in group}
    spans = word_spans(text)
    hits = [(start, end) for start, end, _word in spans if readings_of(text[start:end], language) & wanted]
    begin, finish = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        # Near the end, show the text's last max_chars rather than a short tail.
        begin = min(_best_window(hits, max_chars), len(text) - max_chars)
        begin = next((s for s, _e, _w in spans if s >= begin), 0) if begin else 0
        finish = begin + max_chars
        if finish < len(text):
            finish = max((e for _s, e, _w in spans if begin < e <= finish), default=finish)
        else:
            finish = len(text)
    out: list[str] = ["… " if begin > 0 else ""]
    position = begin
    for start, end in hits:
        if start < begin or end > finish:
            continue
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:finish]))
    if finish < len(text):
        out.append(" …")
    return mark_safe("".join(out))  # noqa: S308 - every piece of reader-facing text is escaped above


def _best_window(hits: list[tuple[int, int]], width: int) -> int:
    """Start of the `width`-long window (a little before a match) holding the most matches."""
    if not hits:
        return 0
    best_start, best_count = hits[0][0], 0
    right = 0
    for left, (start, _end) in enumerate(hits):
        right = max(right, left)
        while right + 1 < len(hits) and hits[right + 1][1] - start <= width - 40:
            right += 1
        if right - left + 1 > best_count:
            best_start, best_count = start, right - left + 1
    return max(0, best_start - 40)


@dataclass(frozen=True)
class SearchHit:
    article: ArticlePage
    title: SafeString
    snippet: SafeString


class SearchResults(Sequence[SearchHit]):
    """Hits of a query, fetched a page at a time, for `Paginator`.

    Every word must match; when nothing has them all, any word will do (`any_words`).
    """

    def __init__(self, query: SearchQuery, engine: SearchEngine | None = None) -> None:
        self.query = query
        self.engine = engine or search_engine()
        self.any_words = False
        self.capped = False

    @cached_property
    def total(self) -> int:
        if not self.query.terms:
            return 0
        total = self.engine.count(self.query)
        if total == 0 and len(self.query.terms) > 1:
            self.query = SearchQuery(**{**self.query.__dict__, "match_all": False})
            self.any_words = True
            total = self.engine.count(self.query)
        if total > COUNT_CAP:
            self.capped, total = True, COUNT_CAP
        return total

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, item: int) -> SearchHit: ...

    @overload
    def __getitem__(self, item: slice) -> list[SearchHit]: ...

    def __getitem__(self, item: int | slice) -> SearchHit | list[SearchHit]:
        if isinstance(item, int):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop if item.stop is not None else len(self)
        if self.total == 0 or stop <= start:
            return []
        ids = self.engine.ids(self.query, offset=start, limit=stop - start)
        return self._hits(ids)

    def _hits(self, ids: list[int]) -> list[SearchHit]:
        # published() again: the index is brought in line on commit, this is the second guard.
        articles = {a.pk: a for a in ArticlePage.objects.published().filter(pk__in=ids).for_listing()}
        texts = dict(SearchDocument.objects.filter(pk__in=ids).values_list("pk", "text"))
        language, terms = self.query.language, self.query.terms
        hits = []
        for article_id in ids:
            article = articles.get(article_id)
            if article is None:
                continue
            hits.append(
                SearchHit(
                    article=article,
                    title=highlight(article.title, terms, language),
                    snippet=highlight(texts.get(article_id) or article.lead, terms, language, SNIPPET_CHARS),
                )
            )
        return hits


def article_search(
    *,
    language: str,
    text: str,
    section_id: int | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    sort: str = "relevance",
) -> SearchResults:
    query = SearchQuery(
        language=language,
        terms=search_terms(language=language, text=text),
        text=text,
        section_id=section_id,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
    )
    return SearchResults(query)
