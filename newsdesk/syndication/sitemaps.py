"""Sitemaps of the editions (issue 10, "Sitemaps and robots").

Per edition: one sitemap of its listing pages (home, sections, tag pages) and one of its
articles, paginated by SITEMAP_PAGE_SIZE; each article lists its live translations as
`xhtml:link rel="alternate" hreflang` (plus x-default). Articles are read as `.values()` rows
a page at a time, and the translations of a page of URLs in one query, so a page costs the
same few queries at 100 articles or 100,000. Plus a Google News sitemap per edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.core.timezone import to_almaty
from newsdesk.editions.scripts import CYRILLIC_LANGUAGE_TAG, LATIN_LANGUAGE_TAG, latin_path
from newsdesk.editions.selectors import edition_get, edition_homes

# Google News: "only URLs for articles published in the last two days", "up to 1,000".
NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX_URLS = 1000


@dataclass(frozen=True)
class EditionPaths:
    """How a page's url_path becomes its public path in one edition: `/kk/` + the rest."""

    language_code: str
    home_url_path: str
    prefix: str

    def path_for(self, url_path: str) -> str:
        return self.prefix + url_path[len(self.home_url_path) :]


def edition_paths_get(*, request: HttpRequest | None) -> dict[int, EditionPaths]:
    """The editions of the request's site, by locale id (two queries: site, homes)."""
    paths: dict[int, EditionPaths] = {}
    for code, home in edition_homes(request=request).items():
        with translation.override(code):
            prefix = reverse("wagtail_serve", args=("",))
        paths[home.locale_id] = EditionPaths(code, home.url_path, prefix)
    return paths


def _edition_latest(locale_id: int) -> datetime | None:
    return (
        ArticlePage.objects.published()
        .in_edition(locale_id)
        .aggregate(latest=Max("last_published_at"))["latest"]
    )


class EditionSitemap(Sitemap):
    """Common ground: the edition's locale and how its paths are written."""

    def __init__(self, *, edition: EditionPaths, locale_id: int) -> None:
        self.edition = edition
        self.locale_id = locale_id
        self.limit = settings.SITEMAP_PAGE_SIZE

    def location(self, item: dict[str, Any]) -> str:
        return item["path"]

    def lastmod(self, item: dict[str, Any]) -> datetime | None:
        return item.get("lastmod")

    # Django's own per-page step (not in the stubs): the one place to add hreflang links.
    def _urls(self, page: int | str, protocol: str, domain: str) -> list[dict[str, Any]]:
        urls: list[dict[str, Any]] = super()._urls(page, protocol, domain)  # type: ignore[misc]
        self.alternates_add(urls, protocol=protocol, domain=domain)
        for url in urls:
            url["xml"] = sitemap_url_xml(url)
        return urls

    def alternates_add(self, urls: list[dict[str, Any]], *, protocol: str, domain: str) -> None:
        """Fill each url's `alternates` (none by default)."""


class EditionPagesSitemap(EditionSitemap):
    """The edition's home, sections and tag pages: a few hundred URLs, one page.

    Listings change whenever the edition publishes, so each says the edition's latest
    publication as its lastmod (one query rather than one per section).
    """

    def items(self) -> list[dict[str, Any]]:
        edition = self.edition
        latest = _edition_latest(self.locale_id)
        rows: list[dict[str, Any]] = [{"path": edition.prefix, "lastmod": latest}]
        sections = (
            SectionPage.objects.live()
            .filter(locale_id=self.locale_id)
            .order_by("path")
            .values_list("url_path", flat=True)
        )
        rows += [{"path": edition.path_for(url_path), "lastmod": latest} for url_path in sections]
        tags = (
            Tag.objects.filter(
                articles_articlepagetag_items__content_object__in=ArticlePage.objects.published()
                .in_edition(self.locale_id)
                .values("pk")
            )
            .distinct()
            .order_by("slug")
            .values_list("slug", flat=True)
        )
        rows += [{"path": f"{edition.prefix}tags/{slug}/", "lastmod": latest} for slug in tags]
        return rows

    def get_latest_lastmod(self) -> datetime | None:
        return _edition_latest(self.locale_id)


class EditionArticlesSitemap(EditionSitemap):
    def __init__(self, *, edition: EditionPaths, locale_id: int, editions: dict[int, EditionPaths]) -> None:
        super().__init__(edition=edition, locale_id=locale_id)
        self.editions = editions

    def items(self) -> Any:
        # Oldest first: a page's URLs stay put as news is added, so crawlers re-read only the
        # last page; pk breaks ties so that pages never overlap.
        return (
            ArticlePage.objects.published()
            .in_edition(self.locale_id)
            .order_by("published_at", "pk")
            .values("url_path", "translation_key", "last_published_at")
        )

    def location(self, item: dict[str, Any]) -> str:
        return self.edition.path_for(item["url_path"])

    def lastmod(self, item: dict[str, Any]) -> datetime | None:
        return item["last_published_at"]

    def get_latest_lastmod(self) -> datetime | None:
        return _edition_latest(self.locale_id)

    def alternates_add(self, urls: list[dict[str, Any]], *, protocol: str, domain: str) -> None:
        translations = article_translations_by_key(
            keys={u["item"]["translation_key"] for u in urls}, editions=self.editions
        )
        for url in urls:
            versions = dict(translations.get(url["item"]["translation_key"], {}))
            if "kk" in versions:
                # The Kazakh page's Latin twin (issue 13): an alternate, not a <url> of its own,
                # since its canonical is the Cyrillic page.
                versions[CYRILLIC_LANGUAGE_TAG] = versions["kk"]
                versions[LATIN_LANGUAGE_TAG] = latin_path(versions["kk"])
            if len(versions) < 2:
                continue
            alternates = [
                {"lang_code": code, "location": f"{protocol}://{domain}{path}"}
                for code, path in sorted(versions.items())
            ]
            default = versions.get(settings.LANGUAGE_CODE)
            if default is not None:
                alternates.append({"lang_code": "x-default", "location": f"{protocol}://{domain}{default}"})
            url["alternates"] = alternates


def sitemap_url_xml(url: dict[str, Any]) -> SafeString:
    """One `<url>` element. Written here rather than in the template: Django's template engine
    spent ~200 µs per URL on the nested loops (1 s for a page of 5,000 URLs), this ~10 µs."""
    parts = [f"<url><loc>{escape(url['location'])}</loc>"]
    if url["lastmod"] is not None:
        parts.append(f"<lastmod>{to_almaty(url['lastmod']).isoformat(timespec='seconds')}</lastmod>")
    parts += [
        f'<xhtml:link rel="alternate" hreflang="{escape(a["lang_code"])}" href="{escape(a["location"])}"/>'
        for a in url["alternates"]
    ]
    parts.append("</url>")
    # html.escape, not Django's: the lazy-aware wrapper doubled the cost of a page.
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def article_translations_by_key(
    *, keys: set[Any], editions: dict[int, EditionPaths]
) -> dict[Any, dict[str, str]]:
    """Live versions of the given articles in every edition: {translation_key: {lang: path}},
    in one query."""
    found: dict[Any, dict[str, str]] = {}
    rows = (
        ArticlePage.objects.published()
        .filter(translation_key__in=keys, locale_id__in=list(editions))
        .values_list("translation_key", "locale_id", "url_path")
    )
    for key, locale_id, url_path in rows:
        edition = editions[locale_id]
        found.setdefault(key, {})[edition.language_code] = edition.path_for(url_path)
    return found


def sitemaps_for_site(*, request: HttpRequest | None) -> dict[str, Sitemap | type[Sitemap]]:
    """Sections of the sitemap index: `<lang>` (listing pages) and `<lang>-articles`."""
    editions = edition_paths_get(request=request)
    by_code = {e.language_code: (locale_id, e) for locale_id, e in editions.items()}
    sitemaps: dict[str, Sitemap | type[Sitemap]] = {}
    for code, _name in settings.LANGUAGES:
        if code not in by_code:
            continue
        locale_id, edition = by_code[code]
        sitemaps[code] = EditionPagesSitemap(edition=edition, locale_id=locale_id)
        sitemaps[f"{code}-articles"] = EditionArticlesSitemap(
            edition=edition, locale_id=locale_id, editions=editions
        )
    return sitemaps


@dataclass(frozen=True)
class NewsItem:
    location: str
    title: str
    publication_date: str


def news_sitemap_items(
    *, edition: EditionPaths, locale_id: int, base_url: str, now: datetime | None = None
) -> list[NewsItem]:
    """The edition's live articles of the last 48 hours, newest first, at most 1,000."""
    since = (now or timezone.now()) - NEWS_WINDOW
    rows = (
        ArticlePage.objects.published()
        .in_edition(locale_id)
        .filter(published_at__gte=since)
        .latest()
        .values_list("url_path", "title", "published_at")[:NEWS_MAX_URLS]
    )
    return [
        NewsItem(
            location=base_url + edition.path_for(url_path),
            title=title,
            publication_date=to_almaty(published_at).isoformat(timespec="seconds"),
        )
        for url_path, title, published_at in rows
    ]


def news_publication_name(*, language_code: str) -> str:
    edition = edition_get(language_code=language_code)
    return edition.name if edition is not None and edition.name else dict(settings.LANGUAGES)[language_code]
