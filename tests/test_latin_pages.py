"""Every public page of the Kazakh edition under /kk-latn/ (issue 13): same routes, Latin text,
`lang="kk-Latn"`, canonical to the Cyrillic page, hreflang twins, no cookie, cached."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.pagecache.testing import PageCacheClient
from newsdesk.corrections.models import ErrorReport
from newsdesk.editions.scripts import latin_path
from newsdesk.wires.cleaning import body_features

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile("[\u0400-\u04ff]")
MARKED = 'Ол <span translate="no">Нұр Отан</span> туралы: <span lang="ru">Всё хорошо</span> деді.'


@pytest.fixture
def article(sections) -> ArticlePage:
    article = article_publish(
        section=sections[("kk", "politics")],
        title="Үкімет жиналысы",
        slug="ukimet-jinalysy",
        paragraphs=["Үкімет бүгін жиналды.", MARKED],
    )
    article.tags.add("үкімет")
    article.save_revision().publish()
    return article


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(
        r'<[^>]*\b(?:translate="no"|lang="(?:ru|en|kk-Cyrl)")[^>]*>.*?</[a-z]+>', "", html, flags=re.S
    )
    return re.sub(r"<[^>]+>", " ", html)


def latin_pages(article: ArticlePage) -> list[str]:
    return [
        "/kk-latn/",
        latin_path(article.get_parent().url),
        latin_path(article.url),
        "/kk-latn/tags/%D2%AF%D0%BA%D1%96%D0%BC%D0%B5%D1%82/",
        "/kk-latn/most-viewed/",
        "/kk-latn/search/?q=%C3%9Ck%C4%B1met",
    ]


def test_every_page_exists_in_latin(article: ArticlePage, client: Client) -> None:
    for url in latin_pages(article):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="kk-Latn">' in html, url
        assert not CYRILLIC.search(visible_text(html)), (url, CYRILLIC.findall(visible_text(html))[:5])
        assert not response.cookies, url
        tags = re.findall(r"<(?:a|form|link)\b[^>]*>", html)
        cyrillic_links = [
            tag
            for tag in tags
            if re.search(r'(?:href|action)="/kk/', tag)
            and "data-script" not in tag
            and 'rel="alternate"' not in tag
        ]
        assert not cyrillic_links, (url, cyrillic_links)


def test_article_in_latin_with_canonical_hreflang_and_the_switch(
    article: ArticlePage, client: Client
) -> None:
    html = client.get(latin_path(article.url)).content.decode()
    assert "<h1" in html and "Ükımet jinalysy" in html
    assert "Ükımet bügın jinaldy." in html
    # Marked by the editor: as written.
    assert 'Ol <span translate="no">Нұр Отан</span> turaly: <span lang="ru">Всё хорошо</span> dedı.' in html
    full = f"http://127.0.0.1:8000{article.url}"
    assert (
        f'<link rel="canonical" href="{full}">' in html
        or f'rel="canonical" href="http://testserver{article.url}"' in html
    )
    assert f'hreflang="kk-Cyrl" href="http://testserver{article.url}"' in html
    assert f'hreflang="kk-Latn" href="http://testserver{latin_path(article.url)}"' in html
    assert f'<a href="{article.url}" data-script="cyrl" lang="kk-Cyrl" hreflang="kk-Cyrl">Кирилл</a>' in html
    assert f'href="{latin_path(article.url)}" data-script="latn"' in html
    assert 'data-script="latn" lang="kk-Latn" hreflang="kk-Latn" aria-current="true"' in html
    cyrillic = client.get(article.url).content.decode()
    assert '<html lang="kk">' in cyrillic and "Үкімет жиналысы" in cyrillic
    assert (
        f'href="{latin_path(article.url)}" data-script="latn" lang="kk-Latn" hreflang="kk-Latn">Latyn</a>'
        in cyrillic
    )


def test_other_editions_name_the_latin_twin_and_show_no_switch(seed_article, client: Client) -> None:
    html = client.get(seed_article.url).content.decode()
    assert 'hreflang="kk-Latn" href="http://testserver/kk-latn/politics/' in html
    assert "script-switcher" not in html


def test_redirects_stay_in_latin(article: ArticlePage, client: Client) -> None:
    response = client.get(latin_path(article.url).rstrip("/"))
    assert response.status_code in (301, 302)
    assert response["Location"].endswith(latin_path(article.url))


def test_a_redirect_to_another_site_is_left_alone(rf) -> None:
    from django.http import HttpResponseRedirect

    from newsdesk.editions.middleware import response_to_latin

    request = rf.get("/kk/a/")
    outside = response_to_latin(request, HttpResponseRedirect("https://other.example/kk/a/"))
    assert outside["Location"] == "https://other.example/kk/a/"
    ours = response_to_latin(request, HttpResponseRedirect("http://testserver/kk/a/"))
    assert ours["Location"] == "http://testserver/kk-latn/a/"


def test_error_report_form_in_latin_and_its_post(article: ArticlePage, client: Client) -> None:
    response = client.get(f"/kk-latn/report-error/?article={article.pk}&text=%C3%9Ck%C4%B1met")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="kk-Latn">' in html and re.search(r">\s*Ükımet</textarea>", html)
    assert "private" in response["Cache-Control"]  # it holds a CSRF token, as the Cyrillic form
    sent = client.post(
        f"/kk-latn/report-error/?article={article.pk}",
        {"selected_text": "Ükımet", "comment": "", "suggestion": "", "website": ""},
    )
    assert sent.status_code == 302
    assert sent["Location"] == f"/kk-latn/report-error/?article={article.pk}&sent=1"
    report = ErrorReport.objects.get()
    assert (report.article_id, report.selected_text) == (article.pk, "Ükımet")


def test_latin_pages_are_cached_apart_from_their_cyrillic_twins(article: ArticlePage) -> None:
    client = PageCacheClient()
    cyrillic, latin = article.url, latin_path(article.url)
    assert client.get(latin)["X-Cache"] == "miss"
    assert client.get(cyrillic)["X-Cache"] == "miss"
    hit = client.get(latin)
    assert hit["X-Cache"] == "hit" and "Ükımet jinalysy" in hit.content.decode()
    assert "Үкімет жиналысы" in client.get(cyrillic).content.decode()
    assert "public" in hit["Cache-Control"] and "Set-Cookie" not in hit


def test_the_rich_text_editor_keeps_the_marks() -> None:
    converter = ContentstateConverter(features=list(body_features()))
    html = f"<p>{MARKED}</p>"
    stored = converter.to_database_format(converter.from_database_format(html))
    assert re.sub(r' data-block-key="[^"]*"', "", stored) == html


def test_the_cyrillic_page_is_unchanged_by_the_latin_one(article: ArticlePage, client: Client) -> None:
    before = client.get(article.url).content
    client.get(latin_path(article.url))
    assert client.get(article.url).content == before


def test_the_latin_feed_links_latin_pages_and_keeps_the_guid(article: ArticlePage, client: Client) -> None:
    response = client.get("/kk-latn/feeds/rss/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    xml = response.content.decode()
    assert "<title>Ükımet jinalysy</title>" in xml and "<language>kk-Latn</language>" in xml
    assert f"{latin_path(article.url)}</link>" in xml
    assert f"{article.url}</guid>" in xml
    assert 'rel="self"' in xml and "/kk-latn/feeds/rss/" in xml


def test_a_quote_in_another_language_stays_as_written(sections, client: Client) -> None:
    article = article_publish(section=sections[("kk", "politics")], title="Министр сөзі", slug="ministr-sozi")
    article.body = [
        ("paragraph", "<p>Министр былай деді.</p>"),
        ("quote", {"quote": "Всё будет хорошо", "attribution": "Министр", "language": "ru"}),
        ("quote", {"quote": "Бәрі жақсы болады", "attribution": "Әкім", "language": ""}),
    ]
    article.save_revision().publish()
    cyrillic = client.get(article.url).content.decode()
    assert '<blockquote class="article-quote" lang="ru">' in cyrillic
    latin = client.get(latin_path(article.url)).content.decode()
    assert "Всё будет хорошо" in latin  # the Russian quote, as written
    assert "Bärı jaqsy bolady" in latin and "Бәрі жақсы болады" not in latin


def test_the_latin_pages_manifest_is_in_latin_and_opens_the_latin_home(homes, client: Client) -> None:
    import json

    from newsdesk.articles.tests.factories import committed
    from newsdesk.editions.models import Edition

    with committed():
        Edition.objects.update_or_create(
            locale=homes["kk"].locale, defaults={"name": "Қазақстан Бүгін", "tagline": "Жаңалықтар"}
        )
    cyrillic = json.loads(client.get("/kk/manifest.webmanifest").content)
    latin = json.loads(client.get("/kk-latn/manifest.webmanifest").content)
    assert latin["lang"] == "kk-Latn" and latin["start_url"] == latin["scope"] == "/kk-latn/"
    assert latin["name"] and not CYRILLIC.search(latin["name"] + latin["description"])
    assert CYRILLIC.search(cyrillic["name"] + cyrillic["description"])
    assert 'href="/kk-latn/manifest.webmanifest"' in client.get("/kk-latn/").content.decode()
