"""One document per article: what search, relevant news and the other readers of an article's
text get, built in one place (issue 15, part 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wagtail.models import Page

from .models import ArticlePage
from .text import stream_text_blocks


@dataclass(frozen=True)
class ArticleDocument:
    """A live article as text and metadata. Only listed articles (live, dated) have one."""

    article_id: int
    language: str
    section_id: int | None
    published_at: datetime
    title: str
    lead: str
    body: str
    tags: tuple[str, ...]


def article_body_text(*, article: ArticlePage) -> str:
    """The body's readable text, one paragraph-like element per line."""
    return "\n".join(stream_text_blocks(article.body.stream_block, article.body.raw_data))


def article_is_listed(article: ArticlePage) -> bool:
    """Readers may see it: live and dated (the same rule as `ArticlePage.objects.published()`)."""
    return bool(article.live and article.published_at is not None)


def article_document_build(*, article: ArticlePage) -> ArticleDocument | None:
    """The article's document, or None when readers may not see it (draft, unpublished, expired).

    Reads `article.locale` and `article.tags`: select and prefetch them for many articles.
    """
    if not article_is_listed(article):
        return None
    assert article.published_at is not None  # article_is_listed
    return ArticleDocument(
        article_id=article.pk,
        language=article.locale.language_code,
        section_id=_parent_id(article),
        published_at=article.published_at,
        title=article.title,
        lead=article.lead,
        body=article_body_text(article=article),
        tags=tuple(tag.name for tag in article.tags.all()),
    )


def article_document_get(*, article_id: int) -> ArticleDocument | None:
    """The stored article's document (None when deleted or not listed): read after a commit."""
    article = (
        ArticlePage.objects.filter(pk=article_id).select_related("locale").prefetch_related("tags").first()
    )
    return article_document_build(article=article) if article is not None else None


def _parent_id(article: ArticlePage) -> int | None:
    """The section's id (one small query by tree path)."""
    if article.depth <= 1:
        return None
    return Page.objects.filter(path=article.path[: -Page.steplen]).values_list("pk", flat=True).first()
