"""Writes of the search app: an article's search document."""

from __future__ import annotations

from django.db import transaction

from newsdesk.articles.models import ArticlePage
from newsdesk.editions.analysis import analyse, stream_plain_text

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


def search_document_update(*, article_id: int) -> SearchDocument | None:
    """Index a live article, or drop it from the index if it is not live any more."""
    article = ArticlePage.objects.filter(pk=article_id).select_related("locale").first()
    if article is None or not article.live or article.published_at is None:
        SearchDocument.objects.filter(pk=article_id).delete()
        return None
    language = article.locale.language_code
    fields = search_document_fields(
        language=language,
        title=article.title,
        lead=article.lead,
        body=stream_plain_text(article.body.raw_data),
        tags=[tag.name for tag in article.tags.all()],
    )
    with transaction.atomic():
        document, _created = SearchDocument.objects.update_or_create(
            article_id=article.pk,
            defaults={
                "language": language,
                "section_id": article.get_parent().pk,
                "published_at": article.published_at,
                **fields,
            },
        )
    return document


def search_document_delete(*, article_id: int) -> None:
    SearchDocument.objects.filter(pk=article_id).delete()


def search_rebuild(*, batch: int = 500) -> int:
    """Index every live article again; drop documents of articles no longer live."""
    ids = list(ArticlePage.objects.published().values_list("pk", flat=True))
    for article_id in ids:
        search_document_update(article_id=article_id)
    SearchDocument.objects.exclude(pk__in=ids).delete()
    return len(ids)
