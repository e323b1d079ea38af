"""Which feeds and sitemaps list an article: purged with it (docs/caching.md).

An article is in its edition's feeds (RSS, Atom, full text), its section's and its tags'
feeds, its edition's sitemaps (listing pages and articles, Google News) and the sitemap
index. The other editions' article sitemaps link it as a translation: purged too. Only the
first page of a sitemap is cached (`?p=N` is not a parameter pages read).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from newsdesk.articles.documents import ArticleDocument
from newsdesk.articles.models import SectionPage
from newsdesk.core.services import PurgeTarget, page_cache_purge_on_commit

EDITION_FEEDS = ("feeds-edition-rss", "feeds-edition-atom", "feeds-full-text")
SECTION_FEEDS = ("feeds-section-rss", "feeds-section-atom")
TAG_FEEDS = ("feeds-tag-rss", "feeds-tag-atom")


def feed_paths(*, language: str, section_slug: str | None, tag_slugs: list[str]) -> list[str]:
    with translation.override(language):
        paths = [reverse(name) for name in EDITION_FEEDS]
        if section_slug:
            paths += [reverse(name, kwargs={"section": section_slug}) for name in SECTION_FEEDS]
        paths += [reverse(name, kwargs={"tag": tag}) for tag in tag_slugs for name in TAG_FEEDS]
    return paths


def sitemap_paths(*, language: str | None) -> list[str]:
    """The index, the edition's sitemaps (every edition's when unknown), and every edition's
    article sitemap (their hreflang alternates name the article)."""
    codes = [code for code, _name in settings.LANGUAGES]
    paths = [reverse("syndication_sitemap_index")]
    for code in codes:
        paths.append(reverse("syndication_sitemap", kwargs={"section": f"{code}-articles"}))
        if language in (None, code):
            paths.append(reverse("syndication_sitemap", kwargs={"section": code}))
            paths.append(reverse("syndication_news_sitemap", kwargs={"language_code": code}))
    return paths


def article_syndication_targets(*, document: ArticleDocument | None) -> list[PurgeTarget]:
    """Feeds and sitemaps that list the article as `document` describes it now; for a withdrawn
    one (no document) every edition's (the page cache is emptied anyway, this is for proxies)."""
    if document is None:
        paths = [
            p
            for code, _ in settings.LANGUAGES
            for p in feed_paths(language=code, section_slug=None, tag_slugs=[])
        ]
        paths += sitemap_paths(language=None)
        return [PurgeTarget(path) for path in paths]
    section_slug = (
        SectionPage.objects.filter(pk=document.section_id).values_list("slug", flat=True).first()
        if document.section_id
        else None
    )
    tag_slugs = _tag_slugs(document)
    paths = feed_paths(language=document.language, section_slug=section_slug, tag_slugs=tag_slugs)
    paths += sitemap_paths(language=document.language)
    return [PurgeTarget(path) for path in paths]


def _tag_slugs(document: ArticleDocument) -> list[str]:
    from taggit.models import Tag

    return list(Tag.objects.filter(name__in=document.tags).values_list("slug", flat=True))


def article_feeds_purge(sender: Any, *, article_id: int, change: str, document: Any, **kwargs: Any) -> None:
    """Receiver of `article_changed` (sent after the commit, inside the announcement's batch)."""
    page_cache_purge_on_commit(
        article_syndication_targets(document=document), reason=f"feeds of {article_id}"
    )
