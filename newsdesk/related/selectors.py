"""Relevant news. Until the text-analysis engine lands: the latest of the same section."""

from newsdesk.articles.models import ArticlePage

RELATED_LIMIT = 5


def article_list_related(*, article: ArticlePage, limit: int = RELATED_LIMIT) -> list[ArticlePage]:
    parent_path = article.path[: -ArticlePage.steplen]
    return list(
        ArticlePage.objects.published()
        .filter(path__startswith=parent_path, depth=article.depth)
        .exclude(pk=article.pk)
        .for_listing()
        .latest()[:limit]
    )
