"""Reads of the relevant-news app."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from wagtail.models import Page

from newsdesk.articles.models import ArticlePage

from .models import RelatedArticle, TranslationSuggestion

RELATED_LIMIT = 5
_RELATED_IDS = (
    f'SELECT "related_id" FROM "{RelatedArticle._meta.db_table}" WHERE "article_id" = %s '
    'ORDER BY "rank" LIMIT %s'
)


def article_list_related(*, article: ArticlePage, limit: int = RELATED_LIMIT) -> list[ArticlePage]:
    """The article's relevant news as precomputed in the background: one query for the ids,
    one for the teasers (and one for their photos' renditions).

    Until the worker has computed the list (a moment after publication, or before the first
    `related_rebuild`), the editor's pins and then the latest of the same section stand in.
    """
    ids = article_related_ids(article=article, limit=limit)
    return article_list_related_for_block(article=article, ids=ids, limit=limit)


def article_related_ids(*, article: ArticlePage, limit: int = RELATED_LIMIT) -> list[int]:
    """The ids of the article's precomputed relevant news in rank order: the key of its
    rendered block (`related_tags.related_articles`), read on every request, so one table and
    its index. Whether they are live is checked when the block is rendered: a withdrawal
    bumps the fragments generation, so no block rendered before it is reused."""
    # Plain SQL: this runs for every uncached article page, and compiling the equivalent
    # queryset cost a third of a millisecond each time.
    with connection.cursor() as cursor:
        cursor.execute(_RELATED_IDS, [article.pk, limit])
        return [related_id for (related_id,) in cursor.fetchall()]


def article_list_related_for_block(
    *, article: ArticlePage, ids: list[int], limit: int = RELATED_LIMIT
) -> list[ArticlePage]:
    """The teasers of the block, from `article_related_ids` (or the fallback when empty): the
    block shows titles, dates, links and a small square of the photo (issue 14), no body."""
    if not ids:
        return _fallback(article=article, limit=limit)
    by_id = {
        a.pk: a for a in ArticlePage.objects.published().filter(pk__in=ids).for_listing().defer_streamfields()
    }
    return [by_id[i] for i in ids if i in by_id]


def _fallback(*, article: ArticlePage, limit: int) -> list[ArticlePage]:
    pinned_ids = list(article.related_pins.values_list("target_id", flat=True))
    excluded = set(article.related_exclusions.values_list("target_id", flat=True)) | {article.pk}
    chosen: list[ArticlePage] = []
    if pinned_ids:
        by_id = {
            a.pk: a
            for a in ArticlePage.objects.published()
            .filter(pk__in=pinned_ids, locale_id=article.locale_id)
            .for_listing()
        }
        chosen = [by_id[i] for i in dict.fromkeys(pinned_ids) if i in by_id and i != article.pk][:limit]
    if len(chosen) < limit:
        parent_path = article.path[: -ArticlePage.steplen]
        chosen += list(
            ArticlePage.objects.published()
            .filter(path__startswith=parent_path, depth=article.depth)
            .exclude(pk__in=excluded | {a.pk for a in chosen})
            .for_listing()
            .latest()[: limit - len(chosen)]
        )
    return chosen


def translation_suggestion_list(*, locale_ids: list[int], article_id: int | None = None) -> QuerySet:
    """Open suggestions whose two articles are both in the given editions, best first."""
    suggestions = TranslationSuggestion.objects.filter(
        article__locale_id__in=locale_ids, candidate__locale_id__in=locale_ids
    ).select_related("article", "candidate", "article__locale", "candidate__locale")
    if article_id is not None:
        suggestions = suggestions.filter(article_id=article_id) | suggestions.filter(candidate_id=article_id)
    return suggestions.order_by("-article__first_published_at", "article_id", "language", "-score")


def translation_group(*, page: Page) -> list[Page]:
    return list(Page.objects.filter(translation_key=page.translation_key).select_related("locale"))
