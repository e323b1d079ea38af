"""Sitemaps, Google News sitemaps and robots.txt, read back with lxml (issue 10)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from lxml import etree

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.core.pagecache.testing import PageCacheClient
from newsdesk.editions.models import Edition
from newsdesk.syndication import sitemaps as sitemaps_module
from newsdesk.syndication.views import ROBOTS_DISALLOW, site_base_url

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
NS = {"sm": SM, "news": NEWS, "xhtml": XHTML}
HOST = "news.example.kz"
BASE = f"http://{HOST}"

pytestmark = pytest.mark.django_db


def get_xml(client: Client, url: str) -> etree._Element:
    response = client.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(response.content, parser)


def locs(root: etree._Element) -> list[str]:
    return [str(x) for x in root.xpath("//sm:loc/text()", namespaces=NS)]


def publish_story(
    sections: dict, n: int, *, languages: tuple[str, ...] = ("ru", "kk", "en"), **fields
) -> dict:
    key = uuid.uuid4()
    return {
        code: article_publish(
            section=sections[(code, "politics")], title=f"Story {n} {code}", translation_key=key, **fields
        )
        for code in languages
    }


def test_index_lists_every_page_of_every_edition_with_lastmod(sections: dict, client: Client) -> None:
    for n in range(3):
        publish_story(sections, n, languages=("ru", "en"))
    with override_settings(SITEMAP_PAGE_SIZE=2):
        root = get_xml(client, "/sitemap.xml")
    listed = locs(root)
    assert root.tag == f"{{{SM}}}sitemapindex"
    # ru and en: 3 articles at 2 per page = 2 pages; kk: none, still one (empty) file.
    assert f"{BASE}/sitemap-ru-articles.xml" in listed
    assert f"{BASE}/sitemap-ru-articles.xml?p=2" in listed
    assert f"{BASE}/sitemap-en-articles.xml?p=2" in listed
    assert f"{BASE}/sitemap-ru-articles.xml?p=3" not in listed
    assert {f"{BASE}/sitemap-{code}.xml" for code in ("ru", "kk", "en")} <= set(listed)
    lastmods = root.xpath(f"//sm:sitemap[sm:loc='{BASE}/sitemap-ru.xml']/sm:lastmod/text()", namespaces=NS)
    assert lastmods and lastmods[0].endswith("+05:00")
    # Every page listed is served, and together they hold every article once.
    seen: list[str] = []
    with override_settings(SITEMAP_PAGE_SIZE=2):
        for url in listed:
            if "-articles" in url:
                seen += locs(get_xml(client, url.removeprefix(BASE)))
    expected = {a.get_full_url().replace("http://127.0.0.1:8000", BASE) for a in ArticlePage.objects.live()}
    assert sorted(seen) == sorted(expected)


def test_article_urls_are_absolute_with_hreflang_alternates(sections: dict, client: Client) -> None:
    story = publish_story(sections, 1)
    lonely = article_publish(section=sections[("en", "world")], title="Only in English")
    root = get_xml(client, "/sitemap-en-articles.xml")
    urls = {u.findtext(f"{{{SM}}}loc"): u for u in root.findall(f"{{{SM}}}url")}
    for loc in urls:
        assert loc.startswith(f"{BASE}/en/")
    url = urls[f"{BASE}{story['en'].url}"]
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in url.findall(f"{{{XHTML}}}link")
        if link.get("rel") == "alternate"
    }
    assert alternates == {
        "ru": f"{BASE}{story['ru'].url}",
        "kk": f"{BASE}{story['kk'].url}",
        "kk-Cyrl": f"{BASE}{story['kk'].url}",
        "kk-Latn": f"{BASE}{story['kk'].url.replace('/kk/', '/kk-latn/', 1)}",
        "en": f"{BASE}{story['en'].url}",
        "x-default": f"{BASE}{story['ru'].url}",
    }
    assert story["kk"].url.startswith("/kk/")
    assert url.findtext(f"{{{SM}}}lastmod")
    assert urls[f"{BASE}{lonely.url}"].findall(f"{{{XHTML}}}link") == []


def test_a_kazakh_article_lists_its_latin_twin_as_an_alternate(sections: dict, client: Client) -> None:
    # Issue 13: the Latin page's canonical is the Cyrillic one, so it is an alternate, not a <url>.
    article = article_publish(section=sections[("kk", "world")], title="Тек қазақша", slug="tek-qazaqsha")
    root = get_xml(client, "/sitemap-kk-articles.xml")
    assert locs(root) == [f"{BASE}{article.url}"]
    links = {link.get("hreflang"): link.get("href") for link in root.iter(f"{{{XHTML}}}link")}
    assert links == {
        "kk": f"{BASE}{article.url}",
        "kk-Cyrl": f"{BASE}{article.url}",
        "kk-Latn": f"{BASE}/kk-latn/world/tek-qazaqsha/",
    }


def test_listing_sitemap_has_home_sections_and_tag_pages(sections: dict, client: Client) -> None:
    article = article_publish(section=sections[("kk", "sport")], title="Tagged")
    article.tags.add("football")
    article.save_revision().publish()
    listed = set(locs(get_xml(client, "/sitemap-kk.xml")))
    assert f"{BASE}/kk/" in listed
    assert f"{BASE}{sections[('kk', 'sport')].url}" in listed
    assert f"{BASE}/kk/tags/football/" in listed
    assert f"{BASE}/ru/tags/football/" not in set(locs(get_xml(client, "/sitemap-ru.xml")))


def test_news_sitemap_keeps_48_hours_and_names_the_publication(sections: dict, client: Client) -> None:
    now = timezone.now()
    fresh = article_publish(
        section=sections[("ru", "world")], title="Свежая <новость> & кавычки", slug="svezhaya"
    )
    old = article_publish(
        section=sections[("ru", "world")], title="Old", published_at=now - timedelta(hours=49)
    )
    article_publish(section=sections[("en", "world")], title="Other edition")
    root = get_xml(client, "/news-sitemap-ru.xml")
    urls = root.findall(f"{{{SM}}}url")
    assert [u.findtext(f"{{{SM}}}loc") for u in urls] == [f"{BASE}{fresh.url}"]
    assert old.url not in etree.tostring(root).decode()
    news = urls[0].find(f"{{{NEWS}}}news")
    edition = Edition.objects.get(locale__language_code="ru")
    edition.name = "Казахстан Сегодня"
    with committed():  # an edited edition purges the page cache after the commit
        edition.save()
    news = get_xml(client, "/news-sitemap-ru.xml").find(f"{{{SM}}}url/{{{NEWS}}}news")
    assert news.findtext(f"{{{NEWS}}}publication/{{{NEWS}}}name") == "Казахстан Сегодня"
    assert news.findtext(f"{{{NEWS}}}publication/{{{NEWS}}}language") == "ru"
    assert news.findtext(f"{{{NEWS}}}title") == "Свежая <новость> & кавычки"
    date = news.findtext(f"{{{NEWS}}}publication_date")
    assert date == fresh.published_at.astimezone(timezone.get_current_timezone()).isoformat(
        timespec="seconds"
    )
    assert date.endswith("+05:00")


def test_news_sitemap_holds_at_most_1000(sections: dict, client: Client, monkeypatch) -> None:
    monkeypatch.setattr(sitemaps_module, "NEWS_MAX_URLS", 2)
    for n in range(3):
        article_publish(section=sections[("en", "world")], title=f"News {n}")
    titles = get_xml(client, "/news-sitemap-en.xml").xpath("//news:title/text()", namespaces=NS)
    assert titles == ["News 2", "News 1"]


def test_news_sitemap_limit_is_1000() -> None:
    assert sitemaps_module.NEWS_MAX_URLS == 1000  # the slicing itself: the test above


def test_unknown_edition_is_404(homes: dict, client: Client) -> None:
    response = client.get("/news-sitemap-de.xml", HTTP_HOST=HOST)
    assert response.status_code == 404
    assert client.get("/sitemap-de.xml", HTTP_HOST=HOST).status_code == 404
    assert client.get("/sitemap-ru-articles.xml?p=9", HTTP_HOST=HOST).status_code == 404


def test_robots_lists_rules_and_every_sitemap(homes: dict, client: Client) -> None:
    response = client.get("/robots.txt", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ROBOTS_DISALLOW:
        assert f"Disallow: {path}" in lines
    assert "Disallow: /api/" in lines and "Disallow: /*/search/" in lines
    sitemaps = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap: ")]
    assert sitemaps == [
        f"{BASE}/sitemap.xml",
        f"{BASE}/news-sitemap-ru.xml",
        f"{BASE}/news-sitemap-kk.xml",
        f"{BASE}/news-sitemap-en.xml",
    ]
    for url in sitemaps:
        assert client.get(url.removeprefix(BASE), HTTP_HOST=HOST).status_code == 200


@override_settings(ALLOWED_HOSTS=["127.0.0.1"], PUBLIC_BASE_URL="https://agency.example/")
def test_base_url_falls_back_to_public_base_url() -> None:
    # Django's middleware answers 400 to an unknown Host before any view runs; the fallback
    # keeps a view called with one (e.g. from a command) on the public address.
    request = RequestFactory().get("/robots.txt", HTTP_HOST="evil.example")
    assert site_base_url(request) == "https://agency.example"
    assert site_base_url(RequestFactory().get("/", HTTP_HOST="127.0.0.1")) == "http://127.0.0.1"


def test_publish_appears_at_once_through_the_page_cache(
    sections: dict, client: Client, django_assert_num_queries
) -> None:
    client = PageCacheClient()  # read through the page cache, as gunicorn's requests are
    for url in ("/news-sitemap-en.xml", "/sitemap-en-articles.xml", "/robots.txt"):
        client.get(url, HTTP_HOST=HOST)
        with django_assert_num_queries(0):  # served from the page cache
            assert client.get(url, HTTP_HOST=HOST).status_code == 200
    article = article_publish(section=sections[("en", "world")], title="Breaking")
    assert f"{BASE}{article.url}" in locs(get_xml(client, "/news-sitemap-en.xml"))
    assert f"{BASE}{article.url}" in locs(get_xml(client, "/sitemap-en-articles.xml"))


def count_queries(client: Client, url: str, django_assert_num_queries, expected: int) -> None:
    assert client.get(url, HTTP_HOST=HOST).status_code == 200
    caches["pages"].clear()
    caches["default"].clear()
    with django_assert_num_queries(expected):
        assert client.get(url, HTTP_HOST=HOST).status_code == 200


# Index: site and edition homes (2), then per edition its latest publication and the listing
# pages (sections, tags) and the article count. A sitemap page: site, homes, count, the page of
# rows, their translations (+1 for the listing sitemap's latest date). News: site, homes, rows,
# the edition's name.
QUERIES = {"/sitemap.xml": 21, "/sitemap-en-articles.xml": 6, "/sitemap-en.xml": 6, "/news-sitemap-en.xml": 5}


@pytest.mark.parametrize("url", list(QUERIES))
def test_sitemaps_cost_a_fixed_number_of_queries(
    url: str, sections: dict, client: Client, django_assert_num_queries
) -> None:
    publish_story(sections, 0)
    count_queries(client, url, django_assert_num_queries, QUERIES[url])
    for n in range(1, 6):
        story = publish_story(sections, n)
        story["en"].tags.add(f"tag{n}")
        story["en"].save_revision().publish()
    article_publish(section=sections[("en", "sport")], title="No translations")
    count_queries(client, url, django_assert_num_queries, QUERIES[url])
