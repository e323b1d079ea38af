"""What search engines and social networks read from our pages: JSON-LD and OpenGraph (issue 10).

`article_sharing_build` reads everything an article's JSON-LD and OpenGraph need once (the
page's own fields, its section, translations and photo renditions); the builders below turn
that into schema.org dictionaries. Serialise with `json_ld_dumps`, never with a bare
`json.dumps`: a headline may hold `</script>`.

Schema.org NewsArticle, Google's article guidelines:
https://developers.google.com/search/docs/appearance/structured-data/article
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from wagtail.models import Page

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.photos import image_renditions
from newsdesk.core.timezone import to_almaty
from newsdesk.editions.models import Edition

SCHEMA_CONTEXT = "https://schema.org"
# Google shows at most 110 characters of a headline.
HEADLINE_MAX_CHARS = 110
# Google wants 16:9, 4:3 and 1:1 images at least 1200 px wide (Wagtail never upscales, so a
# smaller original yields smaller renditions, which are left out).
IMAGE_RENDITIONS = ("fill-1200x675", "fill-1200x900", "fill-1200x1200")
IMAGE_MIN_WIDTH = 1200
LOGO_STATIC_PATH = "img/logo.png"
LOGO_SIZE = (600, 60)
# og:locale wants language_TERRITORY.
OG_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_US"}
# JSON inside <script> must not contain `<`, `>` or `&` (django.utils.html.json_script does
# the same for type="application/json").
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class SharingImage:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class SharingLink:
    """A page named by its absolute URL: a section, an edition's home, a translation."""

    title: str
    url: str
    language_code: str = ""


@dataclass(frozen=True)
class ArticleSharing:
    """Everything JSON-LD and OpenGraph say about one article, read once per page."""

    headline: str
    title: str
    description: str
    url: str
    language_code: str
    published: datetime
    modified: datetime
    section: SharingLink
    home: SharingLink
    tags: list[str]
    authors: list[str]
    source_name: str
    source_url: str
    images: list[SharingImage] = field(default_factory=list)
    original: SharingLink | None = None
    translations: list[SharingLink] = field(default_factory=list)


def absolute_url(path: str) -> str:
    """`path` on the public site (PUBLIC_BASE_URL): what crawlers and apps should link to."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def json_ld_dumps(data: Any) -> str:
    """JSON safe to place between <script> tags: `<`, `>` and `&` become \\u escapes."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_SCRIPT_ESCAPES)


def _page_url(page: Page, request: HttpRequest | None) -> str:
    parts = page.get_url_parts(request=request)
    return absolute_url(parts[2]) if parts else ""


def _article_images(article: ArticlePage) -> list[SharingImage]:
    if article.listing_image_id is None:
        return []
    image = article.listing_image
    if image is None:
        return []
    renditions = image_renditions(image, *IMAGE_RENDITIONS)
    if renditions is None:  # a missing or broken file: no image, the page still renders
        return []
    return [
        SharingImage(url=absolute_url(rendition.url), width=rendition.width, height=rendition.height)
        for rendition in (renditions[spec] for spec in IMAGE_RENDITIONS)
        if rendition.width >= IMAGE_MIN_WIDTH
    ]


def article_sharing_build(
    *, article: ArticlePage, edition_home: Page | None, request: HttpRequest | None
) -> ArticleSharing:
    """Read what an article's structured data and OpenGraph need: a fixed number of queries."""
    # One query for the section and the edition's home (edition_home comes with the page's
    # context; the section is its child on the article's path).
    ancestors = {page.depth: page for page in article.get_ancestors().filter(depth__gte=2)}
    home = edition_home or ancestors.get(2)
    section = ancestors.get(article.depth - 1)
    # The published versions in every edition (this one included), one query; the first
    # published is the original (issue 10).
    versions = sorted(
        ArticlePage.objects.published()
        .filter(translation_key=article.translation_key)
        .select_related("locale"),
        key=lambda page: (page.published_at, page.first_published_at or page.published_at, page.pk),
    )
    links = {
        page.pk: SharingLink(
            title=page.title, url=_page_url(page, request), language_code=page.locale.language_code
        )
        for page in versions
    }
    # The page's own locale comes with its versions: no query of its own.
    own = links.get(article.pk)
    language_code = own.language_code if own else article.locale.language_code
    original = links.get(versions[0].pk) if versions else None
    source = article.source
    # Prefetched onto the page, so the byline and tag list further down reuse them; not in a
    # preview, whose unsaved tags and authors live on the instance and must win.
    if article.pk is not None and not getattr(request, "is_preview", False):
        prefetch_related_objects([article], "tags", "authors")
    tags = list(article.tags.all())
    authors = list(article.authors.all())
    title = article.seo_title or article.title
    return ArticleSharing(
        headline=Truncator(title).chars(HEADLINE_MAX_CHARS),
        title=title,
        description=article.get_meta_description(),
        url=_page_url(article, request),
        language_code=language_code,
        published=to_almaty(article.display_date),
        modified=to_almaty(article.last_published_at or article.display_date),
        section=SharingLink(title=section.title, url=_page_url(section, request))
        if section
        else SharingLink("", ""),
        home=SharingLink(title=home.title, url=_page_url(home, request)) if home else SharingLink("", ""),
        tags=[tag.name for tag in tags],
        authors=[author.name for author in authors],
        source_name=source.name if source else "",
        source_url=source.url if source else "",
        images=_article_images(article),
        original=original,
        translations=[links[page.pk] for page in versions if page.pk != article.pk],
    )


def agency_organization(*, edition: Edition | None, language_code: str) -> dict[str, Any]:
    """The agency, as the edition of `language_code` names itself."""
    logo_width, logo_height = LOGO_SIZE
    organization: dict[str, Any] = {
        "@type": "NewsMediaOrganization",
        "name": edition.name if edition else "Newsdesk",
        "url": absolute_url(f"/{language_code}/"),
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(static(LOGO_STATIC_PATH)),
            "width": logo_width,
            "height": logo_height,
        },
    }
    return organization


def article_json_ld(*, sharing: ArticleSharing, edition: Edition | None) -> list[dict[str, Any]]:
    """`NewsArticle` and its `BreadcrumbList` (edition home > section > article)."""
    agency = agency_organization(edition=edition, language_code=sharing.language_code)
    article: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "NewsArticle",
        "@id": f"{sharing.url}#article",
        "headline": sharing.headline,
        "description": sharing.description,
        "url": sharing.url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": sharing.url},
        "datePublished": sharing.published.isoformat(),
        "dateModified": sharing.modified.isoformat(),
        "inLanguage": sharing.language_code,
        "articleSection": sharing.section.title,
        "keywords": sharing.tags,
        "isAccessibleForFree": True,
        "author": [{"@type": "Person", "name": name} for name in sharing.authors] or [agency],
        "publisher": agency,
        "copyrightHolder": agency,
        "copyrightNotice": edition.copyright_notice if edition else "",
    }
    if sharing.images:
        article["image"] = [
            {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}
            for image in sharing.images
        ]
    if sharing.source_name:
        source: dict[str, Any] = {"@type": "NewsMediaOrganization", "name": sharing.source_name}
        if sharing.source_url:
            source["url"] = sharing.source_url
        article["sourceOrganization"] = source
    if sharing.original is not None and sharing.original.url != sharing.url:
        article["translationOfWork"] = {
            "@type": "NewsArticle",
            "@id": f"{sharing.original.url}#article",
            "url": sharing.original.url,
            "inLanguage": sharing.original.language_code,
        }
    elif sharing.original is not None and sharing.translations:
        article["workTranslation"] = [
            {
                "@type": "NewsArticle",
                "@id": f"{link.url}#article",
                "url": link.url,
                "inLanguage": link.language_code,
            }
            for link in sharing.translations
        ]
    crumbs = [sharing.home, sharing.section, SharingLink(title=sharing.headline, url=sharing.url)]
    breadcrumbs = {
        "@context": SCHEMA_CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": crumb.title, "item": crumb.url}
            for position, crumb in enumerate((c for c in crumbs if c.url), start=1)
        ],
    }
    return [article, breadcrumbs]


def home_json_ld(*, edition: Edition | None, language_code: str) -> list[dict[str, Any]]:
    """The edition's `WebSite` with a `SearchAction` to its search page, and the agency."""
    with translation.override(language_code):
        search = reverse("search:search")
    agency = agency_organization(edition=edition, language_code=language_code)
    website = {
        "@context": SCHEMA_CONTEXT,
        "@type": "WebSite",
        "name": agency["name"],
        "url": agency["url"],
        "inLanguage": language_code,
        "publisher": agency,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute_url(search) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
    return [website, {"@context": SCHEMA_CONTEXT, **agency}]


def og_locale(language_code: str) -> str:
    return OG_LOCALES.get(language_code, language_code)
