"""Public pages are well-formed HTML5 with the head a news page needs."""

import html5lib
import pytest
from django.test import Client


def parse_strict(html: str) -> None:
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/en/", 200),
        ("/ru/", 200),
        ("/kk/", 200),
        ("/en/politics/", 200),
        ("/kk/politics/", 200),
        ("/en/tags/kazakhstan/", 200),
        ("/en/search/?q=president", 200),
        ("/en/most-viewed/", 200),
        ("/en/no-such-page/", 404),
        ("/en/tags/no-such-tag/", 404),
    ],
)
def test_public_pages_parse_as_strict_html5(seed_article, client: Client, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    parse_strict(response.content.decode())


@pytest.mark.django_db
def test_article_pages_parse_as_strict_html5(seed_article, client: Client) -> None:
    for article in seed_article.get_translations(inclusive=True):
        parse_strict(client.get(article.url).content.decode())


@pytest.mark.django_db
def test_head_has_title_description_canonical_and_opengraph(seed_article, client: Client) -> None:
    doc = html5lib.parse(client.get("/en/politics/").content.decode(), namespaceHTMLElements=False)
    head = doc.find("head")
    assert head.find("title").text == "Politics — Kazakhstan Today"
    assert head.find("link[@rel='canonical']").get("href") == "http://127.0.0.1:8000/en/politics/"
    properties = {m.get("property"): m.get("content") for m in head.findall("meta") if m.get("property")}
    assert properties["og:title"] == "Politics"
    assert properties["og:site_name"] == "Kazakhstan Today"
    assert head.find("meta[@name='description']") is not None


@pytest.mark.django_db
def test_public_pages_set_no_cookies_and_are_cacheable(seed_article, client: Client) -> None:
    response = client.get(seed_article.url)
    assert not response.cookies
    assert "s-maxage=60" in response["Cache-Control"] and "public" in response["Cache-Control"]
