"""Writes of the relevant-news app: article vectors, precomputed lists, translation links."""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision

from newsdesk.articles.documents import ArticleDocument, article_document_build
from newsdesk.articles.models import ArticlePage, ArticleRelatedExclusion, ArticleRelatedPin
from newsdesk.core.fragments import fragments_forget_on_commit
from newsdesk.core.services import page_cache_purge_pages_on_commit
from newsdesk.editions.analysis.embeddings import Embedder, vector_from_bytes, vector_to_bytes

from .documents import ArticleText, article_terms, embedding_text
from .index import EditionIndex, IndexedDoc, Scoring
from .index_store import doc_from_vector, index_apply, index_for, index_forget
from .models import ArticleVector, RelatedArticle, TranslationSuggestion
from .translations import story_cues, translation_ranking

logger = logging.getLogger(__name__)

RELATED_LIMIT = 5
# How many of a new article's nearest articles get their lists recomputed, so that it can
# appear there (an article further away than this is unlikely to make another's top 5).
REVERSE_NEIGHBOURS = 10
TRANSLATION_SUGGESTIONS = 3


def embedder() -> Embedder:
    """The configured embedder (one instance per setting value, so tests can switch it)."""
    return _embedder(settings.RELATED_EMBEDDER)


@cache
def _embedder(path: str) -> Embedder:
    return import_string(path)()


def related_scoring() -> Scoring:
    return Scoring(
        recency_weight=settings.RELATED_RECENCY_WEIGHT,
        recency_days=settings.RELATED_RECENCY_DAYS,
        section_bonus=settings.RELATED_SECTION_BONUS,
    )


def article_text(*, document: ArticleDocument) -> ArticleText:
    return ArticleText(
        language=document.language,
        title=document.title,
        lead=document.lead,
        body=document.body,
        tags=document.tags,
    )


def article_vector_write(*, document: ArticleDocument) -> ArticleVector:
    """Analyse the article and store its vector (embedding kept if title and lead did not change)."""
    text = article_text(document=document)
    to_embed = embedding_text(text)
    key = hashlib.sha256(to_embed.encode()).hexdigest()
    existing = ArticleVector.objects.filter(pk=document.article_id).first()
    embedding = existing.embedding if existing is not None and existing.embedding_key == key else None
    if embedding is None and to_embed:
        vectors = embedder().embed([to_embed])
        embedding = vector_to_bytes(vectors[0]) if vectors is not None else None
    vector, _created = ArticleVector.objects.update_or_create(
        article_id=document.article_id,
        defaults={
            "language": text.language,
            "section_id": document.section_id,
            "published_at": document.published_at,
            "terms": article_terms(text),
            "embedding": embedding,
            "embedding_key": key if embedding is not None else "",
            "stamp": random.randrange(1, 2**31),
        },
    )
    return vector


@dataclass(frozen=True)
class EditorChoices:
    pinned: list[int]
    excluded: set[int]


def editor_choices(*, article_ids: list[int]) -> dict[int, EditorChoices]:
    """Pins (in the editor's order) and exclusions of the live versions of these articles."""
    pins: dict[int, list[int]] = {a: [] for a in article_ids}
    for page_id, target_id in ArticleRelatedPin.objects.filter(page_id__in=article_ids).values_list(
        "page_id", "target_id"
    ):
        if target_id not in pins[page_id]:
            pins[page_id].append(target_id)
    excluded: dict[int, set[int]] = {a: set() for a in article_ids}
    for page_id, target_id in ArticleRelatedExclusion.objects.filter(page_id__in=article_ids).values_list(
        "page_id", "target_id"
    ):
        excluded[page_id].add(target_id)
    return {a: EditorChoices(pinned=pins[a], excluded=excluded[a]) for a in article_ids}


def _live_ids(ids: list[int], locale_id: int) -> set[int]:
    return set(
        ArticlePage.objects.published().filter(pk__in=ids, locale_id=locale_id).values_list("pk", flat=True)
    )


def _write_list(article_id: int, rows: list[tuple[int, float, bool]]) -> None:
    """Replace an article's stored list: (related id, score, pinned) in display order."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                RelatedArticle.objects.filter(article_id=article_id).delete()
                RelatedArticle.objects.bulk_create(
                    RelatedArticle(article_id=article_id, related_id=r, score=s, pinned=p, rank=rank)
                    for rank, (r, s, p) in enumerate(rows)
                )
            # The article's page shows its relevant news.
            page_cache_purge_pages_on_commit(page_ids=[article_id], reason="relevant news")
            return
        except IntegrityError:
            # Another worker wrote the same list at the same moment; the second try wins.
            if attempt:
                raise


def related_list_compute(
    *,
    index: EditionIndex,
    doc: IndexedDoc,
    locale_id: int,
    choices: EditorChoices,
    limit: int = RELATED_LIMIT,
    spare: int = 5,
) -> tuple[list[tuple[int, float, bool]], list[int]]:
    """An article's relevant news (its live pins first, then the best-scoring others) and the
    ids of its nearest live articles (up to limit + spare, for the reverse update)."""
    pinned = [p for p in choices.pinned if p != doc.article_id]
    live_pins = _live_ids(pinned, locale_id) if pinned else set()
    rows = [(p, 0.0, True) for p in pinned if p in live_pins][:limit]
    exclude = set(choices.excluded) | {p for p, _s, _p in rows}
    # The index may lag behind a page unpublished a moment ago: ask for spares, then check.
    found = index.nearest(doc, limit=limit + spare, scoring=related_scoring(), exclude=sorted(exclude))
    live = _live_ids([a for a, _ in found], locale_id)
    nearest = [a for a, _s in found if a in live]
    rows += [(a, s, False) for a, s in found if a in live][: max(0, limit - len(rows))]
    return rows, nearest


def related_list_update(
    *, article: ArticlePage, document: ArticleDocument
) -> tuple[ArticleVector, list[int]]:
    """The article's own part of a refresh: its vector, its index row and its list.

    Returns the vector and the nearest live articles (whose lists may now take it in)."""
    with transaction.atomic():
        vector = article_vector_write(document=document)
    index = index_for(vector.language)
    index_apply(vector)
    choices = editor_choices(article_ids=[article.pk])[article.pk]
    rows, nearest = related_list_compute(
        index=index,
        doc=doc_from_vector(vector),
        locale_id=article.locale_id,
        choices=choices,
        spare=REVERSE_NEIGHBOURS,
    )
    _write_list(article.pk, rows)
    return vector, nearest


def related_refresh(*, article_id: int) -> None:
    """After a publish or an edit: the article's vector and list, its neighbours' lists and
    translation suggestions. Runs in the task worker."""
    article = ArticlePage.objects.filter(pk=article_id).select_related("locale").first()
    document = article_document_build(article=article) if article is not None else None
    if article is None or document is None:
        related_forget(article_id=article_id)
        return
    vector, nearest = related_list_update(article=article, document=document)
    # Lists that may now take this article in, and lists that show it (its text may have
    # changed), are recomputed; with pseudo-relevance feedback scores are not symmetric, so
    # there is no shortcut through the stored scores.
    showing = RelatedArticle.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    related_refill(article_ids=sorted(set(nearest[:REVERSE_NEIGHBOURS]) | set(showing)))
    translation_suggestions_compute(article=article, vector=vector, document=document)


def related_withdraw(*, article_id: int) -> list[int]:
    """The moment an article is unpublished, expired or deleted: it leaves its vector, every
    stored list that showed it and every translation suggestion, in a few deletes (the web
    request does this; no worker needed). Returns the articles whose lists lost an item: their
    refill (which scores the edition) is background work; until then they show one item less.
    """
    vector = ArticleVector.objects.filter(pk=article_id).only("language").first()
    with transaction.atomic():
        holders = list(
            RelatedArticle.objects.filter(related_id=article_id).values_list("article_id", flat=True)
        )
        ArticleVector.objects.filter(pk=article_id).delete()
        RelatedArticle.objects.filter(article_id=article_id).delete()
        RelatedArticle.objects.filter(related_id=article_id).delete()
        TranslationSuggestion.objects.filter(article_id=article_id).delete()
        TranslationSuggestion.objects.filter(candidate_id=article_id).delete()
    if vector is not None:
        index_forget(language=vector.language, article_id=article_id)
    return sorted(set(holders) - {article_id})


def related_section_move(*, document: ArticleDocument) -> None:
    """A moved article's vector takes its new section at once (the section bonus reads it)."""
    ArticleVector.objects.filter(pk=document.article_id).update(
        section_id=document.section_id, stamp=random.randrange(1, 2**31)
    )


def related_forget(*, article_id: int) -> None:
    """After an unpublish or delete: drop the article everywhere and refill the lists it left."""
    related_refill(article_ids=related_withdraw(article_id=article_id))


def related_refill(*, article_ids: list[int]) -> None:
    """Recompute the lists of these articles (e.g. after one of their items went away)."""
    vectors = list(ArticleVector.objects.filter(pk__in=article_ids))
    by_language: dict[str, list[ArticleVector]] = {}
    for vector in vectors:
        by_language.setdefault(vector.language, []).append(vector)
    for language, group in by_language.items():
        _lists_write(index=index_for(language), vectors=group)


def _lists_write(*, index: EditionIndex, vectors: list[ArticleVector]) -> int:
    """Compute and store the lists of a batch of articles of one edition at once."""
    locales = dict(
        ArticlePage.objects.filter(pk__in=[v.article_id for v in vectors]).values_list("pk", "locale_id")
    )
    vectors = [v for v in vectors if v.article_id in locales]
    if not vectors:
        return 0
    choices = editor_choices(article_ids=[v.article_id for v in vectors])
    excludes = [sorted(choices[v.article_id].excluded | set(choices[v.article_id].pinned)) for v in vectors]
    found = index.nearest_many(
        [doc_from_vector(v) for v in vectors],
        limit=RELATED_LIMIT + 5,
        scoring=related_scoring(),
        excludes=excludes,
    )
    candidates = {a for pairs in found for a, _s in pairs} | {
        p for v in vectors for p in choices[v.article_id].pinned
    }
    live = set(ArticlePage.objects.published().filter(pk__in=candidates).values_list("pk", "locale_id"))
    lists: dict[int, list[tuple[int, float, bool]]] = {}
    for vector, pairs in zip(vectors, found, strict=True):
        locale_id = locales[vector.article_id]
        pins = [
            p for p in choices[vector.article_id].pinned if (p, locale_id) in live and p != vector.article_id
        ]
        rows = [(p, 0.0, True) for p in pins][:RELATED_LIMIT]
        rows += [(a, sc, False) for a, sc in pairs if (a, locale_id) in live][: RELATED_LIMIT - len(rows)]
        lists[vector.article_id] = rows
    with transaction.atomic():
        RelatedArticle.objects.filter(article_id__in=list(lists)).delete()
        RelatedArticle.objects.bulk_create(
            RelatedArticle(article_id=a, related_id=r, score=sc, pinned=p, rank=rank)
            for a, rows in lists.items()
            for rank, (r, sc, p) in enumerate(rows)
        )
        page_cache_purge_pages_on_commit(page_ids=list(lists), reason="relevant news")
    return len(lists)


# --- The same story in the other editions -----------------------------------------------


def translation_suggestions_compute(
    *, article: ArticlePage, vector: ArticleVector, document: ArticleDocument
) -> list[TranslationSuggestion]:
    """Likely versions of `article` in each edition it has no translation in yet.

    Candidates: live articles of the other editions published within
    RELATED_TRANSLATION_WINDOW_DAYS, not already linked to a translation there.
    """
    window = timedelta(days=settings.RELATED_TRANSLATION_WINDOW_DAYS)
    group = set(
        Page.objects.filter(translation_key=article.translation_key).values_list(
            "locale__language_code", flat=True
        )
    )
    nearby = ArticleVector.objects.filter(
        published_at__gte=vector.published_at - window, published_at__lte=vector.published_at + window
    ).only("article_id", "language", "embedding", "published_at")
    text = " ".join((document.title, document.lead, document.body[: settings.RELATED_TRANSLATION_TEXT_CHARS]))
    source = story_cues(article_id=article.pk, text=text, embedding=vector_from_bytes(vector.embedding))
    by_language: dict[str, list[ArticleVector]] = {}
    for other in nearby:
        by_language.setdefault(other.language, []).append(other)
    pool_vectors = [vector_from_bytes(v.embedding) for v in by_language.get(vector.language, [])]
    pool = [v for v in pool_vectors if v is not None]
    source_pool = np.vstack(pool) if pool else None
    created: list[TranslationSuggestion] = []
    with transaction.atomic():
        TranslationSuggestion.objects.filter(article=article).delete()
        for language, others in by_language.items():
            if language == vector.language or language in group:
                continue
            ids = [o.article_id for o in others]
            linked = _translation_keys(ids)
            pages = {
                p.pk: p
                for p in ArticlePage.objects.published()
                .filter(pk__in=ids)
                .only("pk", "title", "lead", "translation_key")
            }
            candidates = []
            for other in others:
                page = pages.get(other.article_id)
                if page is None or vector.language in linked.get(page.translation_key, set()):
                    continue  # gone, or its story already has a version in this edition
                candidates.append(
                    story_cues(
                        article_id=page.pk,
                        text=f"{page.title} {page.lead}",
                        embedding=vector_from_bytes(other.embedding),
                    )
                )
            for candidate_id, score in translation_ranking(source, candidates, source_pool)[
                :TRANSLATION_SUGGESTIONS
            ]:
                created.append(
                    TranslationSuggestion.objects.create(
                        article=article, candidate_id=candidate_id, language=language, score=score
                    )
                )
    return created


def _translation_keys(page_ids: list[int]) -> dict[object, set[str]]:
    """The editions each of these pages' stories has a version in."""
    keys = list(Page.objects.filter(pk__in=page_ids).values_list("translation_key", flat=True))
    languages: dict[object, set[str]] = {}
    for key, code in Page.objects.filter(translation_key__in=keys).values_list(
        "translation_key", "locale__language_code"
    ):
        languages.setdefault(key, set()).add(code)
    return languages


class TranslationLinkError(Exception):
    """A confirmation that cannot be carried out; the message is for the translator."""


def translation_link_confirm(*, article: Page, candidate: Page) -> list[Page]:
    """Make `candidate` (with any translations it already has) translations of `article`.

    Wagtail allows one page per (translation_key, locale): if both stories already have a
    version in the same edition, nothing is changed and the error names the pages. The key is
    also written into the pages' revisions, because publishing a revision restores the key it
    was saved with. Cached public pages are purged once the link is committed.
    """
    with transaction.atomic():
        group = list(Page.objects.select_for_update().filter(translation_key=article.translation_key))
        joining = list(Page.objects.select_for_update().filter(translation_key=candidate.translation_key))
        if article.translation_key == candidate.translation_key:
            raise TranslationLinkError(_("These pages are already linked as translations."))
        taken = {p.locale_id: p for p in group}
        for page in joining:
            if page.locale_id in taken:
                raise TranslationLinkError(
                    _("“%(existing)s” is already the %(language)s version of “%(article)s”; unlink it first.")
                    % {
                        "existing": taken[page.locale_id].title,
                        "language": page.locale.get_display_name(),
                        "article": article.title,
                    }
                )
        ids = [p.pk for p in joining]
        Page.objects.filter(pk__in=ids).update(translation_key=article.translation_key)
        fragments_forget_on_commit()  # an update() sends no post_save: switchers and hreflang go
        for revision in Revision.page_revisions.filter(object_id__in=[str(i) for i in ids]):
            if revision.content.get("translation_key") != str(article.translation_key):
                revision.content["translation_key"] = str(article.translation_key)
                revision.save(update_fields=["content"])
        group_ids = [p.pk for p in group] + ids
        TranslationSuggestion.objects.filter(article_id__in=group_ids, candidate_id__in=group_ids).delete()
        linked_languages = {p.locale.language_code for p in group + joining}
        TranslationSuggestion.objects.filter(article_id__in=group_ids, language__in=linked_languages).delete()
        # Cached pages of these stories show the old language switcher and hreflang links.
        page_cache_purge_pages_on_commit(page_ids=group_ids, reason="translations linked")
    return joining


# --- Full rebuild -----------------------------------------------------------------------


@dataclass
class RebuildReport:
    articles: int = 0
    embedded: int = 0
    lists: int = 0
    suggestions: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def related_rebuild(
    *,
    languages: list[str] | None = None,
    analyse: bool = True,
    suggestions: bool = False,
    progress: Callable[[str], None] | None = None,
    batch: int = 256,
) -> RebuildReport:
    """Re-analyse every live article (unless `analyse` is False), then recompute every list
    (and, with `suggestions`, every article's translation suggestions: slow at scale, as
    each looks at the articles published around it, and publishing refreshes them anyway). Lists are scored a batch at a time (one sparse and one dense
    matrix product per batch), which is several times faster than article by article."""
    from .index_store import index_drop_all

    report = RebuildReport()
    say = progress or (lambda message: None)
    codes = languages or [code for code, _name in settings.LANGUAGES]
    articles = ArticlePage.objects.published().filter(locale__language_code__in=codes).order_by("pk")
    ids = list(articles.values_list("pk", flat=True))
    report.articles = len(ids)

    started = time.perf_counter()
    if analyse:
        for start in range(0, len(ids), batch):
            chunk = list(
                articles.filter(pk__in=ids[start : start + batch])
                .select_related("locale")
                .prefetch_related("tags")
            )
            keys = dict(
                ArticleVector.objects.filter(pk__in=[a.pk for a in chunk]).values_list("pk", "embedding_key")
            )
            with transaction.atomic():
                for article in chunk:
                    document = article_document_build(article=article)
                    if document is None:
                        continue
                    vector = article_vector_write(document=document)
                    report.embedded += int(
                        bool(vector.embedding_key) and vector.embedding_key != keys.get(article.pk)
                    )
            say(f"analysed {min(start + batch, len(ids))}/{len(ids)}")
        ArticleVector.objects.filter(language__in=codes).exclude(pk__in=ids).delete()
    report.seconds["analyse"] = time.perf_counter() - started

    started = time.perf_counter()
    index_drop_all()
    for language in codes:
        index = index_for(language)
        lang_ids = list(
            ArticleVector.objects.filter(language=language).order_by("pk").values_list("pk", flat=True)
        )
        for start in range(0, len(lang_ids), batch):
            vectors = list(
                ArticleVector.objects.filter(pk__in=lang_ids[start : start + batch]).order_by("pk")
            )
            report.lists += _lists_write(index=index, vectors=vectors)
            say(f"{language}: lists {min(start + batch, len(lang_ids))}/{len(lang_ids)}")
    report.seconds["lists"] = time.perf_counter() - started

    started = time.perf_counter()
    for start in range(0, len(ids) if suggestions else 0, batch):
        chunk = list(
            articles.filter(pk__in=ids[start : start + batch])
            .select_related("locale")
            .prefetch_related("tags")
        )
        vector_of = {v.pk: v for v in ArticleVector.objects.filter(pk__in=[a.pk for a in chunk])}
        for article in chunk:
            document = article_document_build(article=article)
            if article.pk in vector_of and document is not None:
                report.suggestions += len(
                    translation_suggestions_compute(
                        article=article, vector=vector_of[article.pk], document=document
                    )
                )
        say(f"suggestions {min(start + batch, len(ids))}/{len(ids)}")
    report.seconds["suggestions"] = time.perf_counter() - started
    return report
