"""The reader's page around the story (issue 14): the header search in each edition's language,
the favicon, touch icons and per-edition web app manifest, the print stylesheet's hooks, and
headings in order on every kind of public page. Browser proofs: test_browser_accessibility.py."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import html5lib
import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from newsdesk.articles.models import ArticlePage

LANGUAGES = ("ru", "kk", "en")
# The header search's words in each edition (newsdesk/locale/*/django.po).
HEADER_SEARCH = {
    "en": {
        "form": "Site search",
        "label": "Search the site",
        "placeholder": "Search news",
        "button": "Search",
    },
    "ru": {
        "form": "Поиск по сайту",
        "label": "Искать на сайте",
        "placeholder": "Поиск новостей",
        "button": "Найти",
    },
    "kk": {
        "form": "Сайт бойынша іздеу",
        "label": "Сайттан іздеу",
        "placeholder": "Жаңалық іздеу",
        "button": "Іздеу",
    },
}
EDITION_NAMES = {"ru": "Казахстан Сегодня", "kk": "Қазақстан Бүгін", "en": "Kazakhstan Today"}


def static_path(name: str) -> str:
    path = finders.find(name)
    assert isinstance(path, str), name
    return path


def parse(response: Any) -> Any:
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def header_search(doc: Any) -> Any:
    forms = [f for f in doc.iter("form") if "site-search" in (f.get("class") or "")]
    assert len(forms) == 1
    return forms[0]


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_every_edition_page_has_a_header_search_in_its_language(seed_article: ArticlePage, code: str) -> None:
    client = Client()
    article = ArticlePage.objects.get(
        translation_key=seed_article.translation_key, locale__language_code=code
    )
    words = HEADER_SEARCH[code]
    for path in (
        f"/{code}/",
        f"/{code}/politics/",
        article.url,
        f"/{code}/search/?q=x",
        f"/{code}/most-viewed/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        form = header_search(parse(response))
        # A plain GET form to this edition's search: it needs no script and no CSRF token.
        assert (form.get("role"), form.get("method"), form.get("action")) == (
            "search",
            "get",
            f"/{code}/search/",
        )
        assert form.get("aria-label") == words["form"]
        field = form.find(".//input[@name='q']")
        assert field.get("type") == "search" and field.get("placeholder") == words["placeholder"]
        label = form.find(".//label")
        assert label.get("for") == field.get("id") and label.text == words["label"]
        assert form.find(".//button[@type='submit']").text == words["button"]
        assert form.find(".//input[@name='csrfmiddlewaretoken']") is None
    assert not response.cookies


@pytest.mark.django_db
def test_pages_with_the_header_search_stay_public_and_cookie_free(seed_article: ArticlePage) -> None:
    for path in ("/en/", "/en/politics/", seed_article.url):
        response = Client().get(path)
        assert not response.cookies, path
        assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"], path
        assert "csrftoken" not in response.content.decode()


@pytest.mark.django_db
def test_search_results_stay_noindex_with_a_description(seed_article: ArticlePage) -> None:
    head = parse(Client().get("/en/search/?q=president")).find("head")
    metas = {m.get("name"): m.get("content") for m in head.findall("meta") if m.get("name")}
    assert metas["robots"] == "noindex"
    assert metas["description"]


@pytest.mark.django_db
def test_favicon_is_the_icon_itself_public_and_not_a_redirect(homes: dict) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    with open(static_path("img/favicon.ico"), "rb") as icon:
        assert response.content == icon.read()
    assert "public" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db(transaction=True)
def test_favicon_is_kept_by_the_page_cache(live_server: Any, homes: dict) -> None:
    """Through the WSGI page cache, as newsdesk/wsgi.py serves it: the second read is a hit."""
    states = []
    for _ in range(2):
        with urllib.request.urlopen(live_server.url + "/favicon.ico", timeout=10) as response:
            assert response.status == 200 and response.read()[:4] == b"\x00\x00\x01\x00"  # ICO magic
            states.append(response.headers["X-Cache"])
    assert states == ["miss", "hit"]


@pytest.mark.django_db
def test_head_links_icons_manifest_theme_and_print_stylesheet(seed_article: ArticlePage) -> None:
    for code in LANGUAGES:
        head = parse(Client().get(f"/{code}/")).find("head")
        links = {(link.get("rel"), link.get("sizes")): link for link in head.findall("link")}
        assert links[("manifest", None)].get("href") == f"/{code}/manifest.webmanifest"
        assert links[("apple-touch-icon", None)].get("href").startswith("/static/img/apple-touch-icon")
        assert links[("icon", "192x192")].get("href").startswith("/static/img/icon-192")
        assert links[("icon", "16x16 32x32 48x48")].get("href").startswith("/static/img/favicon")
        sheets = [link for link in head.findall("link") if link.get("rel") == "stylesheet"]
        assert any(s.get("media") == "print" and "/css/print" in s.get("href") for s in sheets)
        assert head.find("meta[@name='theme-color']").get("content") == "#103063"


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_each_edition_has_its_own_manifest(seed_article: ArticlePage, code: str) -> None:
    response = Client().get(f"/{code}/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    assert "public" in response["Cache-Control"] and not response.cookies
    manifest = json.loads(response.content)
    assert manifest["name"] == EDITION_NAMES[code]
    assert len(manifest["short_name"]) <= 12 and EDITION_NAMES[code].startswith(manifest["short_name"])
    assert (manifest["lang"], manifest["start_url"], manifest["scope"]) == (code, f"/{code}/", f"/{code}/")
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = {}
    for icon in manifest["icons"]:
        # Each icon is served, and is the size it says.
        icon_response = Client().get(icon["src"])
        assert icon_response.status_code == 200, icon["src"]
        path = static_path(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes[icon["sizes"], icon.get("purpose", "any")] = icon["src"]
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= set(sizes)


def test_the_committed_icons_are_the_sizes_platforms_ask_for() -> None:
    expected = {
        "img/apple-touch-icon.png": (180, 180),
        "img/icon-192.png": (192, 192),
        "img/icon-512.png": (512, 512),
    }
    for name, size in expected.items():
        with Image.open(static_path(name)) as image:
            assert (image.format, image.size) == ("PNG", size), name
    with Image.open(static_path("img/favicon.ico")) as icon:
        assert icon.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= set(icon.info["sizes"])


@pytest.mark.django_db
def test_unknown_edition_has_no_manifest(homes: dict) -> None:
    assert Client().get("/de/manifest.webmanifest").status_code == 404


def heading_levels(doc: Any) -> list[int]:
    return [
        int(el.tag[1]) for el in doc.iter() if isinstance(el.tag, str) and re.fullmatch(r"h[1-6]", el.tag)
    ]


@pytest.mark.django_db
def test_headings_never_skip_a_level(seed_article: ArticlePage) -> None:
    """Lighthouse's and axe's heading-order: one h1, then no jump of more than one level down."""
    pages = [
        "/en/",
        "/ru/",
        "/kk/",
        "/en/politics/",
        "/ru/politics/",
        "/en/tags/kazakhstan/",
        seed_article.url,
        "/en/search/?q=president",
        "/en/most-viewed/",
        "/en/no-such-page/",
    ]
    for path in pages:
        levels = heading_levels(parse(Client().get(path)))
        assert levels and levels[0] == 1 and levels.count(1) == 1, (path, levels)
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (path, levels)


@pytest.mark.django_db
def test_article_page_carries_its_address_for_print(seed_article: ArticlePage) -> None:
    doc = parse(Client().get(seed_article.url))
    printed = [p for p in doc.iter("p") if p.get("class") == "print-url"]
    assert len(printed) == 1
    # Hidden on screen by its attribute; print.css shows it.
    assert printed[0].get("hidden") is not None and printed[0].text == seed_article.full_url
