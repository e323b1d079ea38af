"""What a feed says about each article, read in a fixed number of queries (issue 10, "Feeds").

Feeds read plain `FeedItem`s, built here from one listing query plus prefetches: the item
methods of a Django `Feed` see only the item, so everything (absolute link, section, tags,
bylines, image) is resolved once per request. The plain feeds never load the body.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import nh3
from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.html import format_html
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from newsdesk.articles.models import ArticlePage, ArticlePageQuerySet, SectionPage
from newsdesk.articles.photos import image_renditions
from newsdesk.articles.text import rich_text_blocks
from newsdesk.core.timezone import to_almaty
from newsdesk.editions.models import Edition

# Large enough for Dzen and Google (at least 1200 px wide), cropped to 16:9 like the teasers.
FEED_IMAGE_RENDITION = "fill-1200x675"


@dataclass(frozen=True)
class FeedImage:
    url: str
    length: int
    mime_type: str


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    lead: str
    published: datetime  # in Almaty time, with the offset that held on that date
    updated: datetime
    categories: tuple[str, ...]
    author: str
    image: FeedImage | None
    source_name: str = ""
    source_url: str = ""
    full_html: str = ""  # the sanitised body (full-text feed only)
    full_text: str = ""
    body_images: tuple[FeedImage, ...] = field(default=())


def absolute_url(url: str) -> str:
    """`url` on PUBLIC_BASE_URL unless it already names a host."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.PUBLIC_BASE_URL.rstrip("/") + "/" + url.lstrip("/")


def feed_articles(
    *, edition: Edition, section: Page | None, tag: Tag | None = None, full_text: bool
) -> ArticlePageQuerySet:
    """The latest live articles of the edition (or of one section or tag), with what an item needs."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=FEED_IMAGE_RENDITION)
    articles = ArticlePage.objects.published().in_edition(edition.locale)
    if section is not None:
        articles = articles.in_section(section)
    if tag is not None:
        articles = articles.filter(tags=tag)
    articles = (
        articles.select_related("source", "listing_image")
        .prefetch_related("tags", "authors", Prefetch("listing_image__renditions", queryset=renditions))
        .latest()
    )
    return articles if full_text else articles.defer("body")


def image_for_feed(image: object) -> FeedImage | None:
    """The feed rendition of an image (made once if missing), with its size and type."""
    if image is None:
        return None
    renditions = image_renditions(image, FEED_IMAGE_RENDITION)
    if renditions is None:  # a missing or broken file: the item goes without its image
        return None
    rendition = renditions[FEED_IMAGE_RENDITION]
    try:
        length = rendition.file.size
    except (OSError, ValueError):
        length = 0
    mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
    return FeedImage(url=absolute_url(rendition.url), length=length, mime_type=mime_type)


def feed_items_build(
    *,
    edition: Edition,
    section: Page | None,
    tag: Tag | None = None,
    request: HttpRequest,
    limit: int,
    full_text: bool = False,
) -> list[FeedItem]:
    articles = list(feed_articles(edition=edition, section=section, tag=tag, full_text=full_text)[:limit])
    if section is not None:
        section_titles = {section.path: section.title}
    else:
        section_titles = dict(SectionPage.objects.filter(locale=edition.locale).values_list("path", "title"))
    images = _body_images(articles) if full_text else {}
    items = []
    for article in articles:
        assert article.published_at is not None  # published()
        section_title = section_titles.get(article.path[: -Page.steplen], "")
        tags = tuple(tag.name for tag in article.tags.all())
        bylines = [author.name for author in article.authors.all()]
        source = article.source
        link = absolute_url(article.get_url(request=request) or "")
        full_html = article_body_html(article=article, images=images) if full_text else ""
        items.append(
            FeedItem(
                title=article.title,
                link=link,
                lead=article.lead,
                published=to_almaty(article.published_at),
                updated=to_almaty(article.last_published_at or article.published_at),
                categories=((section_title,) if section_title else ()) + tags,
                author=", ".join(bylines) or edition.name,
                image=image_for_feed(article.listing_image),
                source_name=source.name if source is not None else "",
                source_url=(source.url or link) if source is not None else "",
                full_html=full_html,
                # The text of the clean HTML: what the editor pasted inside <script> is not text.
                full_text="\n".join(rich_text_blocks(full_html)),
                body_images=tuple(
                    image
                    for block in (article.body.raw_data if full_text else [])
                    if block["type"] == "image" and (image := _body_image(images, block["value"])) is not None
                ),
            )
        )
    return items


def _image_id(value: object) -> int | None:
    image_id = value.get("image") if isinstance(value, Mapping) else None
    return image_id if isinstance(image_id, int) else None


def _body_image(images: Mapping[int, FeedImage], value: object) -> FeedImage | None:
    image_id = _image_id(value)
    return images.get(image_id) if image_id is not None else None


def _body_images(articles: Iterable[ArticlePage]) -> dict[int, FeedImage]:
    """The feed renditions of every image in these bodies: two queries for all articles."""
    ids = {
        image_id
        for article in articles
        for block in article.body.raw_data
        if block["type"] == "image" and (image_id := _image_id(block["value"])) is not None
    }
    if not ids:
        return {}
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=FEED_IMAGE_RENDITION)
    images = (
        get_image_model()
        .objects.filter(pk__in=ids)
        .prefetch_related(Prefetch("renditions", queryset=renditions))
    )
    return {image.pk: feed_image for image in images if (feed_image := image_for_feed(image)) is not None}


def article_body_html(*, article: ArticlePage, images: Mapping[int, FeedImage]) -> str:
    """The body as clean HTML for aggregators: text, images and quotes; embeds (iframes,
    scripts) left out, and whatever the editor pasted sanitised by a parser (nh3)."""
    parts: list[str] = []
    for block in article.body.raw_data:
        kind, value = block["type"], block["value"]
        if kind == "paragraph" and isinstance(value, str):
            parts.append(expand_db_html(value))
        elif kind == "image" and (image := _body_image(images, value)) is not None:
            caption = value.get("caption", "") if isinstance(value, Mapping) else ""
            parts.append(
                format_html(
                    '<figure><img src="{}" alt="{}"><figcaption>{}</figcaption></figure>',
                    image.url,
                    caption,
                    caption,
                )
            )
        elif kind == "quote" and isinstance(value, Mapping):
            parts.append(
                format_html(
                    "<blockquote><p>{}</p><cite>{}</cite></blockquote>",
                    value.get("quote", ""),
                    value.get("attribution", ""),
                )
            )
    return nh3.clean("".join(parts), attribute_filter=_absolute_links)


def _absolute_links(element: str, attribute: str, value: str) -> str:
    """Links and images inside the text point at our site from wherever the feed is read."""
    if attribute in ("href", "src") and value.startswith("/") and not value.startswith("//"):
        return absolute_url(value)
    return value
