"""Search quality (MRR@10) measured through the site's own search engine and database.

The items are written as SearchDocument rows (search_document_fields, as for articles) into
a throw-away test database of the configured kind (SQLite in memory by default, PostgreSQL
with DATABASE_URL), queried with the same SearchResults the search page uses, then dropped.
The query for an item is its title, or when it has none, the key words of its first sentence:
the KEY_WORDS words of highest inverse document frequency in the item's language.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection

from newsdesk.editions.analysis import term_of, word_spans

from .engines import SearchQuery, search_engine
from .models import SearchDocument
from .selectors import SearchResults, search_terms
from .services import search_document_fields

KEY_WORDS = 6
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@contextmanager
def scratch_database() -> Iterator[None]:
    """A fresh test database for the length of the block (never the site's own)."""
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def key_word_query(text: str, language: str, document_frequency: Counter[str], total: int) -> str:
    """The rarest words of the first sentence, in their order, as a reader would type them."""
    sentence = first_sentence(text)
    scored = []
    for position, (start, end, word) in enumerate(word_spans(sentence)):
        # The word as it was indexed, capital letter included ("Токаев" -> "токаев").
        term = term_of(sentence[start:end], language)
        if not term:
            continue
        idf = math.log((total + 1) / (document_frequency.get(term, 0) + 1))
        scored.append((idf, position, word))
    chosen = sorted(sorted(scored, reverse=True)[:KEY_WORDS], key=lambda item: item[1])
    return " ".join(word for _idf, _position, word in chosen)


def evaluate_search(items: list[Any], cache: object) -> dict[str, dict[str, float]]:
    """The evaluation part named in settings.NEWSDESK_EVALUATIONS: MRR@10 in a scratch database."""
    with scratch_database():
        return {"mrr_at_10": search_mrr(items)}


def search_mrr(items: list[Any]) -> dict[str, float]:
    """MRR@10 per language, indexing `items` into the current database."""
    by_language: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        by_language[item.lang].append(item)
    figures: dict[str, float] = {}
    engine = search_engine()
    start = datetime(2020, 1, 1, tzinfo=UTC)
    next_id = (
        2_000_000_000  # far above real page ids (and within int4): no constraint ties these rows to pages
    )
    for language, lang_items in by_language.items():
        ids: list[int] = []  # by position: ids in a labelled set need not be unique
        rows = []
        for n, item in enumerate(lang_items):
            ids.append(next_id)
            rows.append(
                SearchDocument(
                    article_id=next_id,
                    language=language,
                    published_at=start + timedelta(hours=n),
                    **search_document_fields(
                        language=language, title=item.title, lead="", body=item.text, tags=[]
                    ),
                )
            )
            next_id += 1
        SearchDocument.objects.bulk_create(rows, batch_size=500)
        frequency: Counter[str] = Counter()
        for row in rows:
            frequency.update(set(row.title_terms.split()) | set(row.body_terms.split()))
        reciprocal = 0.0
        for n, item in enumerate(lang_items):
            text = item.title or key_word_query(item.text, language, frequency, len(rows))
            terms = search_terms(language=language, text=text)
            if not terms:
                continue
            # SearchResults decides, as on the search page, whether all or any words match.
            results = SearchResults(SearchQuery(language=language, terms=terms, text=text), engine)
            found = engine.ids(results.query, offset=0, limit=10) if results.total else []
            if ids[n] in found:
                reciprocal += 1.0 / (found.index(ids[n]) + 1)
        figures[language] = reciprocal / len(lang_items)
    return figures
