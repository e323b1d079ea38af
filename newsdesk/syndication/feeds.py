"""RSS 2.0, Atom and the Dzen/Yandex full-text feed of each edition and section (issue 10).

Built on `django.contrib.syndication`; the generators add what Django's leave out: RSS
`<source url>` for syndicated items, Atom `<source>`, `content:encoded` and `yandex:full-text`,
and one `<enclosure>` per body image in the full-text feed (Dzen reads several). Feeds go
through the page cache like pages, so a publish purges them; `FeedConditionalGetMiddleware`
answers 304 in front of that cache from the ETag and Last-Modified stored with the response.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.sax.xmlreader import AttributesImpl

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import reverse
from django.utils import feedgenerator, translation
from django.utils.cache import set_response_etag
from django.utils.xmlutils import SimplerXMLGenerator
from taggit.models import Tag
from wagtail.models import Page

from newsdesk.articles.models import SectionPage
from newsdesk.editions.models import Edition
from newsdesk.editions.selectors import edition_get

from .feed_items import FeedItem, absolute_url, feed_items_build

UNKNOWN_SECTION = "No such section in this edition."
UNKNOWN_TAG = "No such tag."
UNKNOWN_EDITION = "No such edition."


class NewsRssFeed(feedgenerator.Rss201rev2Feed):
    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict) -> None:
        super().add_item_elements(handler, item)
        if item.get("source_name"):
            handler.addQuickElement("source", item["source_name"], {"url": item["source_url"]})


class NewsAtomFeed(feedgenerator.Atom1Feed):
    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict) -> None:
        super().add_item_elements(handler, item)
        if item.get("source_name"):
            handler.startElement("source", AttributesImpl({}))
            handler.addQuickElement("id", item["source_url"])
            handler.addQuickElement("title", item["source_name"])
            handler.addQuickElement("link", "", {"rel": "alternate", "href": item["source_url"]})
            handler.endElement("source")


class FullTextRssFeed(NewsRssFeed):
    """Yandex News / Dzen: the whole body as HTML (`content:encoded`) and as text
    (`yandex:full-text`), every body image as an enclosure."""

    def rss_attributes(self) -> dict[str, str]:
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:yandex": "http://news.yandex.ru",
        }

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict) -> None:
        super().add_item_elements(handler, item)
        for image in item["body_images"]:
            handler.addQuickElement(
                "enclosure", "", {"url": image.url, "length": str(image.length), "type": image.mime_type}
            )
        handler.addQuickElement("content:encoded", item["full_html"])
        handler.addQuickElement("yandex:full-text", item["full_text"])


@dataclass(frozen=True)
class FeedSubject:
    edition: Edition
    section: Page | None
    tag: Tag | None
    items: list[FeedItem]
    link: str
    feed_url: str


class EditionFeed(Feed):
    """The latest live articles of the current edition; `<section>` or `<tag>` narrows it."""

    feed_type: type[feedgenerator.SyndicationFeed] = NewsRssFeed
    full_text = False
    url_suffix = "rss"

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            response = super().__call__(request, *args, **kwargs)
        except Http404 as error:
            # Feed readers get the reason as text, not the site's HTML error page.
            return HttpResponseNotFound(str(error), content_type="text/plain; charset=utf-8")
        # Stored in the page cache with the feed, so a cached hit answers If-None-Match too.
        set_response_etag(response)
        return response

    def get_object(
        self, request: HttpRequest, section: str | None = None, tag: str | None = None
    ) -> FeedSubject:
        code = translation.get_language() or ""
        edition = edition_get(language_code=code)
        if edition is None:
            raise Http404(UNKNOWN_EDITION)
        section_page = None
        if section is not None:
            section_page = SectionPage.objects.live().filter(locale=edition.locale, slug=section).first()
            if section_page is None:
                raise Http404(UNKNOWN_SECTION)
        tag_obj = None
        if tag is not None:
            tag_obj = Tag.objects.filter(slug=tag).first()
            if tag_obj is None:
                raise Http404(UNKNOWN_TAG)
        if section_page is not None:
            link = absolute_url(section_page.get_url(request=request) or "")
        else:
            link = absolute_url(f"/{code}/tags/{tag_obj.slug}/" if tag_obj else f"/{code}/")
        return FeedSubject(
            edition=edition,
            section=section_page,
            tag=tag_obj,
            items=feed_items_build(
                edition=edition,
                section=section_page,
                tag=tag_obj,
                request=request,
                limit=settings.SYNDICATION_FEED_ITEMS,
                full_text=self.full_text,
            ),
            link=link,
            feed_url=absolute_url(request.path),
        )

    def title(self, obj: FeedSubject) -> str:
        if obj.section is not None:
            return f"{obj.section.title} — {obj.edition.name}"
        if obj.tag is not None:
            return f"#{obj.tag.name} — {obj.edition.name}"
        return obj.edition.name

    def link(self, obj: FeedSubject) -> str:
        return obj.link

    def feed_url(self, obj: FeedSubject) -> str:
        return obj.feed_url

    def description(self, obj: FeedSubject) -> str:
        return obj.edition.tagline or obj.edition.name

    def subtitle(self, obj: FeedSubject) -> str:
        return self.description(obj)

    def feed_copyright(self, obj: FeedSubject) -> str:
        return obj.edition.copyright_notice

    def items(self, obj: FeedSubject) -> list[FeedItem]:
        return obj.items

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_description(self, item: FeedItem) -> str:
        return item.lead

    def item_pubdate(self, item: FeedItem) -> datetime:
        return item.published

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.updated

    def item_categories(self, item: FeedItem) -> tuple[str, ...]:
        return item.categories

    def item_author_name(self, item: FeedItem) -> str:
        return item.author

    def item_enclosures(self, item: FeedItem) -> list[feedgenerator.Enclosure]:
        if item.image is None:
            return []
        return [feedgenerator.Enclosure(item.image.url, str(item.image.length), item.image.mime_type)]

    def item_extra_kwargs(self, item: FeedItem) -> dict[str, object]:
        return {
            "source_name": item.source_name,
            "source_url": item.source_url,
            "full_html": item.full_html,
            "full_text": item.full_text,
            "body_images": item.body_images,
        }


class EditionAtomFeed(EditionFeed):
    feed_type = NewsAtomFeed
    url_suffix = "atom"


class FullTextFeed(EditionFeed):
    feed_type = FullTextRssFeed
    full_text = True


@dataclass(frozen=True)
class FeedLink:
    title: str
    mime_type: str
    url: str


def feed_links_for_page(*, page: object, edition: Edition | None, tag: Tag | None = None) -> list[FeedLink]:
    """The feeds a page advertises: its section's or tag's own, then its edition's."""
    name = edition.name if edition is not None else ""
    links: list[FeedLink] = []
    if tag is not None:
        title = f"#{tag.name} — {name}"
        links += [
            FeedLink(title, "application/rss+xml", reverse("feeds-tag-rss", args=[tag.slug])),
            FeedLink(title, "application/atom+xml", reverse("feeds-tag-atom", args=[tag.slug])),
        ]
    if isinstance(page, SectionPage):
        title = f"{page.title} — {name}"
        links += [
            FeedLink(title, "application/rss+xml", reverse("feeds-section-rss", args=[page.slug])),
            FeedLink(title, "application/atom+xml", reverse("feeds-section-atom", args=[page.slug])),
        ]
    links += [
        FeedLink(name, "application/rss+xml", reverse("feeds-edition-rss")),
        FeedLink(name, "application/atom+xml", reverse("feeds-edition-atom")),
    ]
    return links
