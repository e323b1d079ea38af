from datetime import datetime

from wagtail.models import Locale, Page

from .models import ArticlePage, ArticlePageQuerySet


def article_list_latest(
    *, edition: Locale | int | str, limit: int = 10, exclude: list[int] | None = None
) -> list[ArticlePage]:
    qs = ArticlePage.objects.published().in_edition(edition).for_listing().latest()
    if exclude:
        qs = qs.exclude(pk__in=exclude)
    return list(qs[:limit])


def article_list_in_section(
    *, section: Page, limit: int = 5, exclude: list[int] | None = None
) -> list[ArticlePage]:
    qs = ArticlePage.objects.published().in_section(section).for_listing().latest()
    if exclude:
        qs = qs.exclude(pk__in=exclude)
    return list(qs[:limit])


def article_list_with_tag(*, edition: Locale | int | str, tag_slug: str) -> ArticlePageQuerySet:
    return (
        ArticlePage.objects.published().in_edition(edition).filter(tags__slug=tag_slug).for_listing().latest()
    )


def article_list_published_since(*, edition: Locale | int | str, since: datetime) -> ArticlePageQuerySet:
    return ArticlePage.objects.published().in_edition(edition).filter(published_at__gte=since)
