"""Build the editions' page tree and load the demo newsroom content (idempotent)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from newsdesk.articles.models import ArticlePage, Author, PartnerAgency, SectionPage
from newsdesk.editions.models import Edition

from .demo_photos import DemoPhoto, demo_photos_ensure
from .models import HomePage

DEMO_CONTENT = Path(__file__).resolve().parent / "demo_content" / "stories.json"
EDITION_CODES = ("ru", "kk", "en")

HOME_TITLES = {"ru": "Главная", "kk": "Басты бет", "en": "Home"}
SECTIONS = [
    ("politics", 10, {"ru": "Политика", "kk": "Саясат", "en": "Politics"}),
    ("economy", 20, {"ru": "Экономика", "kk": "Экономика", "en": "Economy"}),
    ("society", 30, {"ru": "Общество", "kk": "Қоғам", "en": "Society"}),
    ("world", 40, {"ru": "В мире", "kk": "Әлем", "en": "World"}),
    ("sport", 50, {"ru": "Спорт", "kk": "Спорт", "en": "Sport"}),
    ("culture", 60, {"ru": "Культура", "kk": "Мәдениет", "en": "Culture"}),
]
DEMO_EDITIONS = {
    "ru": (
        "Казахстан Сегодня",
        "Информационное агентство",
        "Перепечатка материалов без ссылки на Казахстан Сегодня запрещена. "
        "Авторские права на материалы принадлежат информационному агентству Казахстан Сегодня.",
    ),
    "kk": (
        "Қазақстан Бүгін",
        "Ақпарат агенттігі",
        "Материалдарды Қазақстан Бүгінге сілтеме жасамай көшіріп басуға тыйым салынады. "
        "Материалдардың авторлық құқығы Қазақстан Бүгін ақпарат агенттігіне тиесілі.",
    ),
    "en": (
        "Kazakhstan Today",
        "News Agency",
        "This information may not be reproduced without reference to Kazakhstan Today. "
        "Copyright of materials of News Agency Kazakhstan Today.",
    ),
}
PARTNERS = {"Kazinform": "https://www.inform.kz/"}
AUTHORS = [
    ("aigerim-saparova", "Айгерим Сапарова"),
    ("erzhan-mukanov", "Ержан Мұқанов"),
    ("dana-whitfield", "Dana Whitfield"),
]


@dataclass
class Tally:
    created: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"created {self.created}, unchanged {self.skipped}"


def _public_host() -> tuple[str, int]:
    url = urlsplit(settings.PUBLIC_BASE_URL)
    return url.hostname or "localhost", url.port or (443 if url.scheme == "https" else 80)


def _publish(page: Page) -> None:
    page.save_revision().publish()


@transaction.atomic
def edition_tree_ensure() -> dict[str, HomePage]:
    """Make sure each edition has a live home page and the six sections; return the homes.

    The default site's root becomes the Russian home; the Kazakh and English homes are its
    translations (Wagtail i18n), served under /kk/ and /en/.
    """
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in EDITION_CODES}
    for locale in locales.values():
        Edition.objects.get_or_create(
            locale=locale, defaults={"name": settings.WAGTAIL_SITE_NAME, "copyright_notice": ""}
        )
    site = Site.objects.filter(is_default_site=True).first()
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locales["ru"])
    )

    ru_home = HomePage.objects.filter(locale=locales["ru"]).first()
    if ru_home is None:
        ru_home = HomePage(title=HOME_TITLES["ru"], slug="ru", locale=locales["ru"])
        root.add_child(instance=ru_home)
        _publish(ru_home)
    hostname, port = _public_host()
    if site is None:
        site = Site.objects.create(hostname=hostname, port=port, root_page=ru_home, is_default_site=True)
    if (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save()
    if site.root_page_id != ru_home.pk:
        old_root = site.root_page
        site.root_page = ru_home
        site.save()
        if (
            not isinstance(old_root.specific, HomePage)
            and old_root.depth == 2
            and not old_root.get_children().exists()
        ):
            old_root.delete()  # Wagtail's "Welcome" placeholder page

    homes: dict[str, HomePage] = {"ru": ru_home}
    for code in ("kk", "en"):
        home = HomePage.objects.filter(locale=locales[code], translation_key=ru_home.translation_key).first()
        if home is None:
            home = HomePage(
                title=HOME_TITLES[code],
                slug=code,
                locale=locales[code],
                translation_key=ru_home.translation_key,
            )
            root.add_child(instance=home)
            _publish(home)
        homes[code] = home

    for key, order, titles in SECTIONS:
        ru_section = SectionPage.objects.child_of(ru_home).filter(slug=key).first()
        if ru_section is None:
            ru_section = SectionPage(title=titles["ru"], slug=key, order=order, locale=locales["ru"])
            ru_home.add_child(instance=ru_section)
            _publish(ru_section)
        for code in ("kk", "en"):
            if not SectionPage.objects.filter(
                translation_key=ru_section.translation_key, locale=locales[code]
            ).exists():
                section = SectionPage(
                    title=titles[code],
                    slug=key,
                    order=order,
                    locale=locales[code],
                    translation_key=ru_section.translation_key,
                )
                homes[code].add_child(instance=section)
                _publish(section)
    return homes


def _section(home: HomePage, key: str) -> SectionPage:
    return SectionPage.objects.child_of(home).get(slug=key)


def _body(paragraphs: list[str], *, gallery: list[dict] | None = None) -> list[tuple[str, object]]:
    """Paragraphs, and a photo gallery after the first one if the story has one."""
    from django.utils.html import escape

    blocks: list[tuple[str, object]] = [("paragraph", f"<p>{escape(text)}</p>") for text in paragraphs]
    if gallery:
        blocks.insert(1, ("gallery", {"title": "", "images": gallery}))
    return blocks


def _story_photos(story: dict) -> list[str]:
    return [key for key in [story.get("photo"), *story.get("gallery", [])] if key]


STORY_KEYS = ("key", "section", "published_at", "versions")
VERSION_KEYS = ("slug", "title", "body")


def demo_stories_read(*, path: Path) -> list[dict]:
    """Read and check the whole demo file before anything is written (ValueError if bad)."""
    try:
        stories = json.loads(path.read_text(encoding="utf-8"))["stories"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    sections = {key for key, _, _ in SECTIONS}
    for number, story in enumerate(stories, start=1):
        missing = [key for key in STORY_KEYS if key not in story]
        if missing:
            raise ValueError(f"story {number}: missing {', '.join(missing)}")
        if story["section"] not in sections:
            raise ValueError(f"story {number}: unknown section {story['section']!r}")
        datetime.fromisoformat(story["published_at"])
        for code in EDITION_CODES:
            version = story["versions"].get(code)
            if version is None or any(key not in version for key in VERSION_KEYS):
                raise ValueError(f"story {number}: the {code} version lacks one of {', '.join(VERSION_KEYS)}")
    return stories


def demo_content_load(*, path: Path = DEMO_CONTENT, only: set[str] | None = None) -> Tally:
    """Load the demo editions, sections and stories (those keyed in `only`, if given).

    A second run changes nothing: articles are matched by edition and slug, photos by their
    file's hash; an existing article is never overwritten (nor given a photo it lacks), so
    editors' changes to demo items survive a re-run.
    """
    tally = Tally()
    homes = edition_tree_ensure()
    for code, (name, tagline, notice) in DEMO_EDITIONS.items():
        edition = Edition.objects.get(locale__language_code=code)
        if edition.name == "Newsdesk":  # only replace the migration's neutral defaults
            edition.name, edition.tagline, edition.copyright_notice = name, tagline, notice
            edition.save()
    partners = {
        name: PartnerAgency.objects.get_or_create(name=name, defaults={"url": url})[0]
        for name, url in PARTNERS.items()
    }
    authors = [Author.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in AUTHORS]
    stories = demo_stories_read(path=path)
    # Only the photos the loaded stories show: a test loading the seed story makes none.
    wanted = {
        key for story in stories if only is None or story["key"] in only for key in _story_photos(story)
    }
    photos: dict[str, DemoPhoto] = demo_photos_ensure() if wanted else {}
    unknown = wanted - photos.keys()
    if unknown:
        raise ValueError(f"no such demo photo: {', '.join(sorted(unknown))}")
    for index, story in enumerate(stories):
        if only is not None and story["key"] not in only:
            continue
        lead_photo = photos.get(story.get("photo") or "")
        translation_key = None
        for code in EDITION_CODES:
            version = story["versions"][code]
            with transaction.atomic():
                section = _section(homes[code], story["section"])
                existing = ArticlePage.objects.filter(
                    locale=homes[code].locale_id, slug=version["slug"]
                ).first()
                if existing is not None:
                    translation_key = translation_key or existing.translation_key
                    tally.skipped += 1
                    continue
                published_at = datetime.fromisoformat(story["published_at"])
                article = ArticlePage(
                    title=version["title"],
                    slug=version["slug"],
                    lead=version.get("lead", ""),
                    body=_body(
                        version["body"],
                        gallery=[photos[key].gallery_item(code) for key in story.get("gallery", [])],
                    ),
                    locale_id=homes[code].locale_id,
                    source=partners.get(story["source"]) if story.get("source") else None,
                    published_at=published_at,
                    first_published_at=published_at,
                    initial_view_count=story.get("views", {}).get(code, 0),
                    **(lead_photo.lead_fields(code) if lead_photo else {}),
                )
                if translation_key is not None:
                    article.translation_key = translation_key
                article.tags.add(*version.get("tags", []))
                if not story.get("source"):
                    article.authors = [authors[index % len(authors)]]
                section.add_child(instance=article)
                _publish(article)
                translation_key = article.translation_key
                tally.created += 1
    return tally
