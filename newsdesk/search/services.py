"""Writes of the search app: an article's search document."""

from __future__ import annotations

from django.db import transaction

from newsdesk.articles.documents import ArticleDocument, article_document_build, article_document_get
from newsdesk.articles.models import ArticlePage
from newsdesk.editions.analysis import analyse

from .models import SearchDocument

# Snippets are cut from the first this-many characters of lead and body.
TEXT_CHARS = 20_000


def search_document_fields(
    *, language: str, title: str, lead: str, body: str, tags: list[str]
) -> dict[str, str]:
    """The analysed columns of a search document (shared with the evaluation command)."""
    return {
        "title_terms": " ".join(analyse(title, language, every_reading=True)),
        "body_terms": " ".join(
            analyse("\n".join([lead, body, " ".join(tags)]), language, every_reading=True)
        ),
        "text": "\n".join(part for part in (lead, body) if part)[:TEXT_CHARS],
    }


def search_document_write(*, document: ArticleDocument) -> SearchDocument:
    """Store an article's search document (its text analysed for its edition's language)."""
    fields = search_document_fields(
        language=document.language,
        title=document.title,
        lead=document.lead,
        body=document.body,
        tags=list(document.tags),
    )
    with transaction.atomic():
        stored, _created = SearchDocument.objects.update_or_create(
            article_id=document.article_id,
            defaults={
                "language": document.language,
                "section_id": document.section_id,
                "published_at": document.published_at,
                **fields,
            },
        )
    return stored


def search_document_sync(*, article_id: int, document: ArticleDocument | None) -> None:
    """Bring the index in line with an article: indexed while readers may see it, gone when not."""
    if document is None:
        search_document_delete(article_id=article_id)
    else:
        search_document_write(document=document)


def search_document_section_move(*, document: ArticleDocument) -> None:
    """A moved article's document takes its new section (the section filter reads it)."""
    SearchDocument.objects.filter(pk=document.article_id).update(section_id=document.section_id)


def search_document_update(*, article_id: int) -> SearchDocument | None:
    """Index a live article, or drop it from the index if it is not live any more."""
    document = article_document_get(article_id=article_id)
    search_document_sync(article_id=article_id, document=document)
    return SearchDocument.objects.filter(pk=article_id).first() if document is not None else None


def search_document_delete(*, article_id: int) -> None:
    SearchDocument.objects.filter(pk=article_id).delete()


def search_rebuild(*, batch: int = 500) -> int:
    """Index every live article again; drop documents of articles no longer live."""
    articles = ArticlePage.objects.published().select_related("locale").prefetch_related("tags")
    ids = list(articles.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        for article in articles.filter(pk__in=ids[start : start + batch]):
            document = article_document_build(article=article)
            if document is not None:
                search_document_write(document=document)
    SearchDocument.objects.exclude(pk__in=ids).delete()
    return len(ids)
