"""Search engines behind one small contract.

- `SqliteEngine` (default on SQLite): FTS5 over the analysed terms, BM25 with the headline
  weighing TITLE_WEIGHT times a body word.
- `PostgresEngine` (PostgreSQL): the same terms in a 'simple' tsvector (GIN index), ts_rank
  with the headline in weight class A.
- `WagtailEngine` (SEARCH_ENGINE=wagtail): Wagtail's configured search backend, e.g.
  OpenSearch; it brings its own analysis and ranking.

All take the reader's query already analysed (editions.analysis), so "президента" and
"президент" are one term before the database sees them; terms are letters and digits only,
so nothing the reader types reaches the database's query syntax. A query word is a group of
alternative terms (a word and its name reading: "токаев" -> "токай" or "токаев"): the terms
of a group are OR'ed, the groups AND'ed (OR'ed when `match_all` is off).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeAlias

from django.db import connections

if TYPE_CHECKING:
    from wagtail.search.backends.base import BaseSearchResults

TITLE_WEIGHT = 3.0
# Counting every match of a very common word costs more than the page of results; past this
# many the page says "more than" (and offers at most this many results in pages).
COUNT_CAP = 3000
# PostgreSQL ranks at most this many of the most recent matches (see PostgresEngine.ids);
# equal to COUNT_CAP so that every page the count promises exists.
RANK_WINDOW = COUNT_CAP

# What the engines pass to the database as query parameters.
SqlParam: TypeAlias = str | int | float | datetime


@dataclass(frozen=True)
class SearchQuery:
    language: str
    # One group per query word: the terms it may be indexed under (selectors.search_terms).
    terms: tuple[tuple[str, ...], ...]
    text: str = ""
    section_id: int | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    sort: str = "relevance"  # or "date"
    match_all: bool = True


class SearchEngine(Protocol):
    def count(self, query: SearchQuery) -> int: ...

    def ids(self, query: SearchQuery, *, offset: int, limit: int) -> list[int]: ...


def _filters(query: SearchQuery, alias: str, placeholder: str = "%s") -> tuple[str, list[SqlParam]]:
    clauses: list[str] = []
    params: list[SqlParam] = []
    if query.section_id is not None:
        clauses.append(f"{alias}.section_id = {placeholder}")
        params.append(query.section_id)
    if query.date_from is not None:
        clauses.append(f"{alias}.published_at >= {placeholder}")
        params.append(query.date_from)
    if query.date_to is not None:
        clauses.append(f"{alias}.published_at < {placeholder}")
        params.append(query.date_to)
    return "".join(f" AND {c}" for c in clauses), params


class SqliteEngine:
    def __init__(self, using: str = "default") -> None:
        self.using = using

    @staticmethod
    def match(query: SearchQuery) -> str:
        # Quoted terms are plain strings to FTS5 whatever they contain; the column filter
        # keeps one edition's terms.
        joiner = " AND " if query.match_all else " OR "
        groups = (" OR ".join('"{}"'.format(t.replace('"', '""')) for t in group) for group in query.terms)
        terms = joiner.join(f"({group})" for group in groups)
        return f'language : "{query.language}" AND ({terms})'

    def _run(self, sql: str, params: list[SqlParam]) -> list[tuple]:
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self, query: SearchQuery) -> int:
        filters, params = _filters(query, "d")
        if filters:
            inner = (
                "SELECT 1 FROM newsdesk_search_fts f JOIN newsdesk_search_searchdocument d "
                "ON d.article_id = f.rowid WHERE newsdesk_search_fts MATCH %s" + filters
            )
        else:
            inner = "SELECT 1 FROM newsdesk_search_fts WHERE newsdesk_search_fts MATCH %s"
        sql = f"SELECT COUNT(*) FROM ({inner} LIMIT %s) matches"
        return self._run(sql, [self.match(query), *params, COUNT_CAP + 1])[0][0]

    def ids(self, query: SearchQuery, *, offset: int, limit: int) -> list[int]:
        filters, params = _filters(query, "d")
        order = (
            "d.published_at DESC, d.article_id DESC"
            if query.sort == "date"
            else f"bm25(newsdesk_search_fts, 0.0, {TITLE_WEIGHT}, 1.0), d.published_at DESC"
        )
        sql = (
            "SELECT d.article_id FROM newsdesk_search_fts f JOIN newsdesk_search_searchdocument d "
            "ON d.article_id = f.rowid WHERE newsdesk_search_fts MATCH %s"
            + filters
            + f" ORDER BY {order} LIMIT %s OFFSET %s"
        )
        return [row[0] for row in self._run(sql, [self.match(query), *params, limit, offset])]


class PostgresEngine:
    # ts_rank weights {D, C, B, A}: the title (A) against the body (D).
    WEIGHTS = f"{{0.1, 0.2, 0.4, {min(1.0, 0.1 * TITLE_WEIGHT)}}}"

    def __init__(self, using: str = "default") -> None:
        self.using = using

    @staticmethod
    def tsquery(query: SearchQuery) -> str:
        joiner = " & " if query.match_all else " | "
        groups = (
            " | ".join("'{}'".format(t.replace("'", "''").replace("\\", "")) for t in group)
            for group in query.terms
        )
        return joiner.join(f"({group})" for group in groups)

    def _run(self, sql: str, params: list[SqlParam]) -> list[tuple]:
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self, query: SearchQuery) -> int:
        filters, params = _filters(query, "d")
        sql = (
            "SELECT COUNT(*) FROM (SELECT 1 FROM newsdesk_search_searchdocument d WHERE d.language = %s "
            "AND d.vector @@ to_tsquery('simple', %s)" + filters + " LIMIT %s) matches"
        )
        return self._run(sql, [query.language, self.tsquery(query), *params, COUNT_CAP + 1])[0][0]

    def ids(self, query: SearchQuery, *, offset: int, limit: int) -> list[int]:
        filters, params = _filters(query, "d")
        where = "d.language = %s AND d.vector @@ to_tsquery('simple', %s)" + filters
        where_params = [query.language, self.tsquery(query), *params]
        if query.sort == "date":
            sql = (
                f"SELECT d.article_id FROM newsdesk_search_searchdocument d WHERE {where} "
                "ORDER BY d.published_at DESC, d.article_id DESC LIMIT %s OFFSET %s"
            )
            return [row[0] for row in self._run(sql, [*where_params, limit, offset])]
        # Ranking reads every matching row's tsvector; for a common word that is tens of
        # thousands of rows. Only the RANK_WINDOW most recent matches are ranked (a news
        # search: the reader wants the relevant among the recent), which keeps p95 bounded.
        sql = (
            f"SELECT recent.article_id FROM (SELECT d.article_id, d.vector, d.published_at "
            f"FROM newsdesk_search_searchdocument d WHERE {where} "
            "ORDER BY d.published_at DESC LIMIT %s) recent "
            "ORDER BY ts_rank(%s::float4[], recent.vector, to_tsquery('simple', %s)) DESC, "
            "recent.published_at DESC LIMIT %s OFFSET %s"
        )
        params = [*where_params, RANK_WINDOW, self.WEIGHTS, self.tsquery(query), limit, offset]
        return [row[0] for row in self._run(sql, params)]


class WagtailEngine:
    """Wagtail's search backend (WAGTAILSEARCH_BACKENDS["default"]), e.g. OpenSearch.

    The backend does its own analysis, so it is given the reader's words, not our terms.
    """

    def _results(self, query: SearchQuery) -> BaseSearchResults:
        from wagtail.models import Locale

        from newsdesk.articles.models import ArticlePage

        # By locale id: the backend indexes `locale` as a filter field, not its language code.
        locale = Locale.objects.filter(language_code=query.language).first()
        articles = ArticlePage.objects.published().filter(locale=locale)
        if query.section_id is not None:
            from wagtail.models import Page

            section = Page.objects.filter(pk=query.section_id).first()
            articles = articles.child_of(section) if section is not None else articles.none()
        if query.date_from is not None:
            articles = articles.filter(published_at__gte=query.date_from)
        if query.date_to is not None:
            articles = articles.filter(published_at__lt=query.date_to)
        if query.sort == "date":
            return articles.order_by("-published_at").search(
                query.text, order_by_relevance=False, operator="and" if query.match_all else "or"
            )
        return articles.search(query.text, operator="and" if query.match_all else "or")

    def count(self, query: SearchQuery) -> int:
        return min(self._results(query).count(), COUNT_CAP + 1)

    def ids(self, query: SearchQuery, *, offset: int, limit: int) -> list[int]:
        return [page.pk for page in self._results(query)[offset : offset + limit]]


def search_engine(using: str = "default") -> SearchEngine:
    from django.conf import settings

    if settings.SEARCH_ENGINE == "wagtail":
        return WagtailEngine()
    if connections[using].vendor == "postgresql":
        return PostgresEngine(using)
    return SqliteEngine(using)
