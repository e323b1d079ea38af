"""JSON-LD and OpenGraph of articles and edition homes, read back by real consumers' parsers
(issue 10, "Structured data and sharing"): pyld expands the JSON-LD (schema.org served from a
local document loader, no network), lxml reads the meta tags."""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest
import wagtail_factories
from django.conf import settings
from django.test import Client
from pyld import jsonld

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import AuthorFactory, article_publish, committed
from newsdesk.syndication.structured_data import HEADLINE_MAX_CHARS, IMAGE_MIN_WIDTH, OG_LOCALES

SCHEMA = "https://schema.org/"


def local_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": {"@vocab": SCHEMA}},
        }
    raise AssertionError(f"JSON-LD processor tried to load {url}")


def page_html(client: Client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.document_fromstring(response.content)


def json_ld_documents(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    return [json.loads(script.text) for script in tree.xpath('//script[@type="application/ld+json"]')]


def expanded(document: dict[str, Any]) -> dict[str, Any]:
    """The document as pyld expands it: `{schema.org term: [values]}`."""
    [node] = jsonld.expand(document, {"documentLoader": local_loader})
    return node


def value(node: dict[str, Any], term: str) -> Any:
    [item] = node[SCHEMA + term]
    return item.get("@value", item.get("@id", item))


def values(node: dict[str, Any], term: str) -> list[Any]:
    return [item.get("@value", item.get("@id", item)) for item in node.get(SCHEMA + term, [])]


def of_type(tree: lxml.html.HtmlElement, type_name: str) -> dict[str, Any]:
    nodes = [expanded(doc) for doc in json_ld_documents(tree)]
    [node] = [n for n in nodes if SCHEMA + type_name in n["@type"]]
    return node


def meta(tree: lxml.html.HtmlElement, key: str) -> list[str]:
    return [el.get("content") for el in tree.xpath(f'//meta[@property="{key}" or @name="{key}"]')]


@pytest.mark.django_db
def test_seed_article_json_ld_says_every_property(seed_article: ArticlePage, client: Client) -> None:
    tree = page_html(client, seed_article.url)
    article = of_type(tree, "NewsArticle")
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    url = base + seed_article.url

    assert value(article, "headline") == seed_article.title
    assert value(article, "description") == seed_article.get_meta_description()
    # Almaty was UTC+6 in 2021.
    assert value(article, "datePublished") == "2021-08-22T08:42:00+06:00"
    assert value(article, "dateModified").endswith(("+05:00", "+06:00"))
    assert value(article, "inLanguage") == "en"
    assert value(article, "articleSection") == seed_article.get_parent().title
    assert set(values(article, "keywords")) == {tag.name for tag in seed_article.tags.all()}
    assert value(article, "isAccessibleForFree") is True
    assert value(article, "url") == url
    [main_entity] = article[SCHEMA + "mainEntityOfPage"]
    assert main_entity["@id"] == url
    source = value(article, "sourceOrganization")
    assert value(source, "name") == "Kazinform"
    assert value(article, "copyrightNotice") == seed_article.locale.edition.copyright_notice
    publisher = value(article, "publisher")
    assert SCHEMA + "NewsMediaOrganization" in publisher["@type"]
    assert value(publisher, "name") == seed_article.locale.edition.name
    logo = value(publisher, "logo")
    assert value(logo, "url").startswith(base + "/static/")
    assert value(value(article, "copyrightHolder"), "name") == seed_article.locale.edition.name
    # No byline: the agency is the author.
    author = value(article, "author")
    assert SCHEMA + "NewsMediaOrganization" in author["@type"]
    # The seed's ru version was published first: it is the original, this is its translation.
    [original] = article[SCHEMA + "translationOfWork"]
    translations = {p.locale.language_code: p for p in seed_article.get_translations().live()}
    originals = [base + p.url + "#article" for p in translations.values()]
    assert original["@id"] in originals
    assert SCHEMA + "workTranslation" not in article

    breadcrumbs = of_type(tree, "BreadcrumbList")
    items = sorted(breadcrumbs[SCHEMA + "itemListElement"], key=lambda item: value(item, "position"))
    assert [value(item, "item") for item in items] == [
        base + "/en/",
        base + seed_article.get_parent().url,
        url,
    ]


@pytest.mark.django_db
def test_the_original_lists_its_translations(seed_article: ArticlePage, client: Client) -> None:
    versions = sorted(
        seed_article.get_translations(inclusive=True).live().specific(),
        key=lambda page: (page.published_at, page.first_published_at, page.pk),
    )
    original = versions[0]
    article = of_type(page_html(client, original.url), "NewsArticle")
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    assert {item["@id"] for item in article[SCHEMA + "workTranslation"]} == {
        base + page.url + "#article" for page in versions[1:]
    }
    assert SCHEMA + "translationOfWork" not in article


@pytest.mark.django_db
def test_authors_images_and_opengraph(sections: dict, client: Client) -> None:
    photo = wagtail_factories.ImageFactory(title="Harvest", file__width=1600, file__height=1200)
    reporter = AuthorFactory(name="Aigerim Reporter")
    article = article_publish(
        section=sections[("en", "economy")],
        title="Grain harvest " + "record " * 30,
        listing_image=photo,
    )
    with committed():
        article.authors.add(reporter)
        article.tags.add("grain", "export")
        article.save_revision().publish()
    article.refresh_from_db()

    tree = page_html(client, article.url)
    node = of_type(tree, "NewsArticle")
    headline = value(node, "headline")
    assert len(headline) <= HEADLINE_MAX_CHARS
    assert headline.startswith("Grain harvest record")
    [author] = node[SCHEMA + "author"]
    assert SCHEMA + "Person" in author["@type"]
    assert value(author, "name") == "Aigerim Reporter"
    images = node[SCHEMA + "image"]
    sizes = {(value(image, "width"), value(image, "height")) for image in images}
    assert sizes == {(1200, 675), (1200, 900), (1200, 1200)}
    assert all(value(image, "width") >= IMAGE_MIN_WIDTH for image in images)
    assert all(value(image, "url").startswith(settings.PUBLIC_BASE_URL) for image in images)
    assert SCHEMA + "sourceOrganization" not in node

    assert meta(tree, "og:type") == ["article"]
    assert meta(tree, "og:locale") == [OG_LOCALES["en"]]
    assert meta(tree, "og:locale:alternate") == []
    assert meta(tree, "article:published_time") == [value(node, "datePublished")]
    assert meta(tree, "article:section") == [sections[("en", "economy")].title]
    assert sorted(meta(tree, "article:tag")) == ["export", "grain"]
    assert meta(tree, "og:image") == [value(images[0], "url")]
    assert meta(tree, "og:image:width") == ["1200"]
    assert meta(tree, "og:image:height") == ["675"]
    assert meta(tree, "twitter:card") == ["summary_large_image"]


@pytest.mark.django_db
def test_small_photos_are_left_out(sections: dict, client: Client) -> None:
    photo = wagtail_factories.ImageFactory(title="Thumb", file__width=640, file__height=480)
    article = article_publish(section=sections[("en", "economy")], title="Small photo", listing_image=photo)
    tree = page_html(client, article.url)
    assert SCHEMA + "image" not in of_type(tree, "NewsArticle")
    assert meta(tree, "og:image") == []


@pytest.mark.django_db
def test_seed_opengraph_names_the_other_editions(seed_article: ArticlePage, client: Client) -> None:
    tree = page_html(client, seed_article.url)
    assert sorted(meta(tree, "og:locale:alternate")) == sorted([OG_LOCALES["kk"], OG_LOCALES["ru"]])
    assert meta(tree, "article:published_time") == ["2021-08-22T08:42:00+06:00"]
    assert sorted(meta(tree, "article:tag")) == sorted(tag.name for tag in seed_article.tags.all())


@pytest.mark.django_db
def test_a_hostile_headline_cannot_break_out(sections: dict, client: Client) -> None:
    title = 'Quotes " and </script><script>alert(1)</script> & <b>bold</b>'
    article = article_publish(
        section=sections[("en", "world")], title=title, slug="hostile", lead=title, paragraphs=["Plain body."]
    )
    response = client.get(article.url)
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    tree = lxml.html.document_fromstring(response.content)
    # Only our own JSON-LD scripts, each of them valid JSON that reads the title back whole.
    assert not [s for s in tree.xpath("//script") if (s.text or "").strip().startswith("alert")]
    node = of_type(tree, "NewsArticle")
    assert value(node, "headline") == title
    assert value(node, "description") == title
    assert meta(tree, "og:title") == [title]
    assert meta(tree, "og:description") == [title]


@pytest.mark.django_db
def test_home_says_website_with_search_and_the_agency(homes: dict, client: Client) -> None:
    tree = page_html(client, "/kk/")
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    website = of_type(tree, "WebSite")
    assert value(website, "url") == base + "/kk/"
    action = value(website, "potentialAction")
    assert SCHEMA + "SearchAction" in action["@type"]
    target = value(action, "target")
    assert value(target, "urlTemplate") == base + "/kk/search/?q={search_term_string}"
    agency = of_type(tree, "NewsMediaOrganization")
    edition = homes["kk"].locale.edition
    assert value(agency, "name") == edition.name
    assert value(value(agency, "logo"), "url").startswith(base + "/static/")
    # The search target answers.
    assert client.get("/kk/search/?q=test").status_code == 200


@pytest.mark.django_db
def test_a_preview_shows_the_unsaved_tags(sections: dict) -> None:
    article = article_publish(section=sections[("en", "economy")], title="Preview me")
    article.tags.add("draft-only-tag")  # in memory, as the editor's preview form leaves it
    response = article.make_preview_request()
    tree = lxml.html.document_fromstring(response.content)
    assert meta(tree, "article:tag") == ["draft-only-tag"]
    assert values(of_type(tree, "NewsArticle"), "keywords") == ["draft-only-tag"]
    assert "#draft-only-tag" in response.content.decode()
