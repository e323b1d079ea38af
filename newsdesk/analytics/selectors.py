"""Reads of view counts. Until the counting engine lands these use the stored counts."""

from wagtail.models import Locale

from newsdesk.articles.models import ArticlePage

MOST_VIEWED_LIMIT = 5


def article_view_count(*, article: ArticlePage) -> int:
    return article.initial_view_count


def article_list_most_viewed(
    *, edition: Locale | int | str, limit: int = MOST_VIEWED_LIMIT
) -> list[ArticlePage]:
    return list(
        ArticlePage.objects.published()
        .in_edition(edition)
        .for_listing()
        .order_by("-initial_view_count", "-published_at")[:limit]
    )
