"""What the API reads: live, published articles, their sections and editions, as plain dicts.

Every listing is a fixed number of queries whatever the page holds: the articles (with locale,
source and image joined), then one query each for renditions, tags, authors, the sections and
the translations of the whole page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from wagtail.api.v2.utils import BadRequestError
from wagtail.images import get_image_model
from wagtail.models import Page

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.photos import image_renditions
from newsdesk.core.timezone import to_almaty
from newsdesk.editions.models import Edition
from newsdesk.editions.selectors import edition_homes

from .params import Query

UNKNOWN_SECTION = "unknown section {value!r}"


def absolute_url(page: Page) -> str:
    url = page.get_url() or ""
    return settings.PUBLIC_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def article_queryset_filter(*, query: Query) -> QuerySet[ArticlePage]:
    articles = ArticlePage.objects.published()
    if query.edition:
        articles = articles.in_edition(query.edition)
    if query.section:
        sections = SectionPage.objects.live().filter(slug=query.section)
        if query.edition:
            sections = sections.filter(locale__language_code=query.edition)
        paths = list(sections.values_list("path", "depth"))
        if not paths:
            raise BadRequestError(UNKNOWN_SECTION.format(value=query.section))
        within = Q()
        for path, depth in paths:
            within |= Q(path__startswith=path, depth=depth + 1)
        articles = articles.filter(within)
    if query.tag:
        articles = articles.filter(tags__slug=query.tag)
    if query.published_after:
        articles = articles.filter(published_at__gte=query.published_after)
    if query.published_before:
        articles = articles.filter(published_at__lt=query.published_before)
    direction = "-" if query.order.startswith("-") else ""
    return articles.order_by(f"{direction}published_at", f"{direction}pk")


def _for_api(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec__in=settings.API_RENDITIONS)
    )
    return articles.select_related("locale", "source", "listing_image").prefetch_related(
        Prefetch("listing_image__renditions", queryset=renditions), "tags", "authors"
    )


def _image(article: ArticlePage) -> dict[str, Any] | None:
    image = article.listing_image
    if image is None:
        return None
    renditions = image_renditions(image, *settings.API_RENDITIONS)
    if renditions is None:  # a missing or broken file
        return None
    return {
        "title": image.title,
        "renditions": {
            spec: {"url": r.full_url, "width": r.width, "height": r.height} for spec, r in renditions.items()
        },
    }


def article_list_serialize(*, articles: list[ArticlePage], with_body: bool = False) -> list[dict[str, Any]]:
    steplen = Page.steplen
    parent_paths = {a.path[:-steplen] for a in articles}
    sections = {p.path: p for p in Page.objects.filter(path__in=parent_paths)}
    keys = {a.translation_key for a in articles}
    translations: dict[Any, list[Page]] = {}
    if articles:
        others = ArticlePage.objects.published().filter(translation_key__in=keys).select_related("locale")
        for other in others.order_by("locale_id"):
            translations.setdefault(other.translation_key, []).append(other)
    items = []
    for article in articles:
        section = sections.get(article.path[:-steplen])
        item: dict[str, Any] = {
            "id": article.pk,
            "edition": article.locale.language_code,
            "title": article.title,
            "lead": article.lead,
            "published_at": to_almaty(article.published_at).isoformat() if article.published_at else None,
            "section": (
                {"id": section.pk, "slug": section.slug, "title": section.title, "url": absolute_url(section)}
                if section
                else None
            ),
            "tags": [{"name": t.name, "slug": t.slug} for t in article.tags.all()],
            "authors": [{"name": a.name, "slug": a.slug, "title": a.title} for a in article.authors.all()],
            "source": {"name": article.source.name, "url": article.source.url} if article.source else None,
            "image": _image(article),
            "url": absolute_url(article),
            "translations": {
                other.locale.language_code: absolute_url(other)
                for other in translations.get(article.translation_key, [])
                if other.pk != article.pk
            },
        }
        if with_body:
            item["body"] = str(article.body)
        items.append(item)
    return items


def article_list(*, query: Query) -> dict[str, Any]:
    articles = article_queryset_filter(query=query)
    total = articles.count()
    page = list(_for_api(articles)[query.offset : query.offset + query.limit])
    return {"meta": {"total_count": total}, "items": article_list_serialize(articles=page)}


def article_detail(*, article_id: int) -> dict[str, Any] | None:
    article = _for_api(ArticlePage.objects.published()).filter(pk=article_id).first()
    if article is None:
        return None
    return article_list_serialize(articles=[article], with_body=True)[0]


def section_list(*, query: Query) -> dict[str, Any]:
    sections = SectionPage.objects.live().select_related("locale").order_by("locale_id", "order", "pk")
    if query.edition:
        sections = sections.filter(locale__language_code=query.edition)
    total = sections.count()
    items = [
        {
            "id": s.pk,
            "edition": s.locale.language_code,
            "slug": s.slug,
            "title": s.title,
            "intro": s.intro,
            "order": s.order,
            "url": absolute_url(s),
        }
        for s in sections[query.offset : query.offset + query.limit]
    ]
    return {"meta": {"total_count": total}, "items": items}


def edition_list(*, query: Query) -> dict[str, Any]:
    editions = Edition.objects.select_related("locale").order_by("locale_id")
    total = editions.count()
    homes = edition_homes()
    items = []
    for edition in editions[query.offset : query.offset + query.limit]:
        home = homes.get(edition.language_code)
        items.append(
            {
                "code": edition.language_code,
                "name": edition.name,
                "tagline": edition.tagline,
                "copyright_notice": edition.copyright_notice,
                "home_url": absolute_url(home) if home else None,
            }
        )
    return {"meta": {"total_count": total}, "items": items}
