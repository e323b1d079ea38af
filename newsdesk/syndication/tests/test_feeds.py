"""RSS, Atom and full-text feeds read back with feedparser (issue 10, "Feeds")."""

from __future__ import annotations

import io
from datetime import timedelta

import feedparser
import lxml.html
import pytest
import wagtail_factories
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import Author
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.services import page_cache_purge
from newsdesk.syndication import feeds
from newsdesk.syndication.feed_items import FEED_IMAGE_RENDITION

pytestmark = pytest.mark.django_db

SEED_TITLE = "Kazakh and Russian Presidents held a meeting"


def parse(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.content[:300]
    parsed = feedparser.parse(io.BytesIO(response.content))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def entry_titled(parsed: feedparser.FeedParserDict, title: str) -> feedparser.FeedParserDict:
    return next(entry for entry in parsed.entries if entry.title == title)


@pytest.fixture
def photo_article(sections):
    author = Author.objects.create(name="Aigerim Sadykova", slug="aigerim-sadykova")
    article = article_publish(
        section=sections[("en", "economy")],
        title="Grain harvest",
        published_at=timezone.now() - timedelta(hours=1),
        listing_image=wagtail_factories.ImageFactory(title="Harvest", file__width=1600, file__height=1200),
    )
    article.tags.add("grain")
    article.authors.add(author)
    article.save_revision().publish()
    return article


def test_rss_has_every_field(client: Client, seed_article, photo_article, settings) -> None:
    parsed = parse(client.get("/en/feeds/rss/"))

    assert parsed.version == "rss20"
    assert {"rel": "self", "href": "http://testserver/en/feeds/rss/"}.items() <= next(
        link for link in parsed.feed.links if link.rel == "self"
    ).items() or any(
        link.rel == "self" and link.href.endswith("/en/feeds/rss/") for link in parsed.feed.links
    )
    seed = entry_titled(parsed, seed_article.title)
    assert seed.link == f"{settings.PUBLIC_BASE_URL}{seed_article.url}"
    assert seed.description == seed_article.lead
    # Almaty was UTC+6 in 2021 (RFC 822 writes the offset without a colon).
    assert seed.published == "Sun, 22 Aug 2021 08:42:00 +0600"
    assert seed.source == {"href": "https://www.inform.kz/", "title": "Kazinform"}
    section_title = seed_article.get_parent().title
    assert {tag.term for tag in seed.tags} == {section_title, *(t.name for t in seed_article.tags.all())}
    assert seed.author == seed_article.locale.edition.name  # no byline: the edition

    photo = entry_titled(parsed, "Grain harvest")
    assert photo.author == "Aigerim Sadykova"
    assert {tag.term for tag in photo.tags} == {"Economy", "grain"}
    (enclosure,) = photo.enclosures
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) > 0
    assert enclosure.href.startswith(settings.PUBLIC_BASE_URL) and FEED_IMAGE_RENDITION in enclosure.href
    assert "source" not in photo


def test_atom_has_every_field(client: Client, seed_article, photo_article) -> None:
    parsed = parse(client.get("/en/feeds/atom/"))

    assert parsed.version == "atom10"
    assert any(link.rel == "self" and link.href.endswith("/en/feeds/atom/") for link in parsed.feed.links)
    seed = entry_titled(parsed, seed_article.title)
    assert seed.published == "2021-08-22T08:42:00+06:00"
    assert parsed.feed.language == "en"
    assert seed.summary == seed_article.lead
    assert seed.source.title == "Kazinform"
    assert seed.author == seed_article.locale.edition.name
    photo = entry_titled(parsed, "Grain harvest")
    assert photo.author == "Aigerim Sadykova"
    assert {tag.term for tag in photo.tags} == {"Economy", "grain"}
    (enclosure,) = photo.enclosures
    assert enclosure.type.startswith("image/") and int(enclosure.length) > 0


def test_section_feed_holds_only_its_section(client: Client, seed_article, photo_article) -> None:
    for suffix in ("rss", "atom"):
        parsed = parse(client.get(f"/en/feeds/economy/{suffix}/"))
        assert [entry.title for entry in parsed.entries] == ["Grain harvest"]
        assert parsed.feed.title.startswith("Economy")


def test_tag_feed_holds_only_its_tag(client: Client, seed_article, photo_article) -> None:
    for suffix in ("rss", "atom"):
        parsed = parse(client.get(f"/en/feeds/tags/grain/{suffix}/"))
        assert [entry.title for entry in parsed.entries] == ["Grain harvest"]
        assert parsed.feed.title.startswith("#grain")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/en/feeds/no-such-section/rss/", feeds.UNKNOWN_SECTION),
        ("/en/feeds/tags/no-such-tag/atom/", feeds.UNKNOWN_TAG),
    ],
)
def test_unknown_section_or_tag_is_404(client: Client, homes, url, message) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.content.decode() == message


def test_feed_lists_latest_live_articles_only(client: Client, sections, settings) -> None:
    settings.SYNDICATION_FEED_ITEMS = 2
    now = timezone.now()
    for n in range(3):
        article_publish(
            section=sections[("en", "world")], title=f"World {n}", published_at=now - timedelta(hours=n)
        )
    withdrawn = article_publish(section=sections[("en", "world")], title="Withdrawn", published_at=now)
    withdrawn.unpublish()
    article_publish(section=sections[("ru", "world")], title="Russian edition", published_at=now)

    parsed = parse(client.get("/en/feeds/rss/"))

    assert [entry.title for entry in parsed.entries] == ["World 0", "World 1"]


def test_full_text_feed_has_clean_body_and_images(client: Client, sections) -> None:
    inline = wagtail_factories.ImageFactory(title="Inline", file__width=1600, file__height=900)
    article_publish(
        section=sections[("en", "culture")],
        title="Festival",
        listing_image=wagtail_factories.ImageFactory(title="Cover"),
        paragraphs=[
            'Opening <b>night</b>.<script>alert(1)</script><iframe src="https://evil.example/"></iframe>'
        ],
    )
    article = article_publish(section=sections[("en", "culture")], title="Festival two")
    article.body = [
        ("paragraph", "<p>First paragraph.</p>"),
        ("image", {"image": inline, "caption": "Stage", "credit": ""}),
        ("quote", {"quote": "Wonderful", "attribution": "A guest"}),
        ("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ]
    article.save_revision().publish()

    parsed = parse(client.get("/en/feeds/full-text/"))

    first = entry_titled(parsed, "Festival")
    html = first.content[0].value
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert tree.xpath("//script|//iframe|//embed|//object") == []
    assert "Opening" in tree.text_content() and "alert" not in html
    assert first["yandex_full-text"] == "Opening night."
    assert len(first.enclosures) == 1  # the listing image

    second = entry_titled(parsed, "Festival two")
    tree = lxml.html.fragment_fromstring(second.content[0].value, create_parent="div")
    assert tree.xpath("//iframe|//script") == []
    assert tree.xpath("//figure/img/@src")[0].startswith("http")
    assert tree.xpath("//blockquote/p/text()") == ["Wonderful"]
    assert [e.href for e in second.enclosures] == tree.xpath("//figure/img/@src")
    assert FEED_IMAGE_RENDITION in second.enclosures[0].href


def test_full_text_links_to_our_pages_are_absolute(client: Client, sections) -> None:
    earlier = article_publish(section=sections[("en", "world")], title="Earlier story")
    article_publish(
        section=sections[("en", "world")],
        title="Follow-up",
        paragraphs=[
            f'See <a linktype="page" id="{earlier.pk}">the earlier story</a> and <a href="/en/">home</a>.'
        ],
    )
    entry = entry_titled(parse(client.get("/en/feeds/full-text/")), "Follow-up")
    tree = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
    assert tree.xpath("//a/@href") == [f"http://127.0.0.1:8000{earlier.url}", "http://127.0.0.1:8000/en/"]


def test_conditional_get_answers_304(client: Client, seed_article) -> None:
    for url in ("/en/feeds/rss/", "/en/feeds/atom/", "/en/feeds/full-text/", "/en/feeds/politics/rss/"):
        first = client.get(url)
        assert first.status_code == 200
        etag, modified = first["ETag"], first["Last-Modified"]
        # The second and third requests are served by the page cache, not the view.
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_publish_shows_in_cached_feed_at_once(client: Client, sections, settings) -> None:
    # Background tasks are not run: only the purge on commit may make the story appear.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": settings.TASK_QUEUES}
    }
    article_publish(section=sections[("en", "sport")], title="Before")
    etag = client.get("/en/feeds/rss/")["ETag"]
    assert client.get("/en/feeds/rss/", HTTP_IF_NONE_MATCH=etag).status_code == 304

    article_publish(section=sections[("en", "sport")], title="Breaking")

    response = client.get("/en/feeds/rss/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert [entry.title for entry in parse(response).entries][:2] == ["Breaking", "Before"]


def _queries_for(client: Client, url: str, django_assert_num_queries, expected: int) -> None:
    page_cache_purge()
    client.get(url)  # makes the missing renditions, once per image
    page_cache_purge()
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def _add_articles(sections, start: int) -> None:
    author = Author.objects.get_or_create(slug="counter", defaults={"name": "Counter"})[0]
    for n in range(start, start + 3):
        photo = wagtail_factories.ImageFactory(title=f"photo {n}")
        article = article_publish(
            section=sections[("en", "politics" if n % 2 else "economy")],
            title=f"Counted {n}",
            listing_image=photo,
        )
        article.body = [
            ("paragraph", f"<p>Text {n}</p>"),
            ("image", {"image": photo, "caption": "c", "credit": ""}),
        ]
        article.tags.add("counted", f"tag-{n}")
        article.authors.add(author)
        article.save_revision().publish()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/en/feeds/rss/", 7),
        ("/en/feeds/politics/atom/", 7),
        ("/en/feeds/tags/counted/rss/", 8),
        ("/en/feeds/full-text/", 9),
    ],
)
def test_query_count_is_constant(client: Client, sections, django_assert_num_queries, url, expected) -> None:
    _add_articles(sections, 0)
    _queries_for(client, url, django_assert_num_queries, expected)
    _add_articles(sections, 10)
    _queries_for(client, url, django_assert_num_queries, expected)


def test_plain_feeds_do_not_load_bodies(client: Client, sections) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _add_articles(sections, 0)
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/feeds/rss/")
    listing = next(q["sql"] for q in queries.captured_queries if "articles_articlepage" in q["sql"])
    assert '"body"' not in listing


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/en/", ["/en/feeds/rss/", "/en/feeds/atom/"]),
        (
            "/en/economy/",
            ["/en/feeds/economy/rss/", "/en/feeds/economy/atom/", "/en/feeds/rss/", "/en/feeds/atom/"],
        ),
        (
            "/en/tags/grain/",
            ["/en/feeds/tags/grain/rss/", "/en/feeds/tags/grain/atom/", "/en/feeds/rss/", "/en/feeds/atom/"],
        ),
    ],
)
def test_pages_link_their_feeds(client: Client, photo_article, path, expected) -> None:
    response = client.get(path)
    assert response.status_code == 200
    head = lxml.html.fromstring(response.content).head
    links = head.xpath('link[@rel="alternate"][@type="application/rss+xml" or @type="application/atom+xml"]')
    assert [link.get("href") for link in links] == expected
    for href in expected:
        assert parse(client.get(href)).entries
