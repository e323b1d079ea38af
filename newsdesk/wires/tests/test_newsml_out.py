"""Our live articles as NewsML-G2 for partners, read back by our own parser (issue 11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from newsdesk.articles.models import ArticlePage, Author, PartnerAgency
from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.core.pagecache.testing import PageCacheClient
from newsdesk.core.services import page_cache_purge
from newsdesk.editions.models import Edition
from newsdesk.wires.cleaning import body_clean
from newsdesk.wires.newsml_out import NAR, newsml_item_guid
from newsdesk.wires.newsml_views import UNKNOWN_EDITION, UNKNOWN_ITEM
from newsdesk.wires.parsing import feed_parse

pytestmark = pytest.mark.django_db

NS = {"g": NAR, "h": "http://www.w3.org/1999/xhtml"}
PARAGRAPHS = [
    'Parliament <b>approved</b> the <i>budget</i>, <a href="https://gov.example/budget">the text</a> says.',
]


@pytest.fixture
def article(sections, settings):
    settings.PUBLIC_BASE_URL = "https://newsdesk.example"
    edition = Edition.objects.get(locale__language_code="en")
    edition.copyright_notice = "© Newsdesk. Reuse with a link."
    edition.save()
    story = article_publish(
        section=sections[("en", "politics")],
        title="Budget passed",
        lead="The lower house approved next year's budget.",
        paragraphs=PARAGRAPHS,
        published_at=timezone.now() - timedelta(hours=2),
        source=PartnerAgency.objects.get_or_create(name="Kazinform")[0],
    )
    story.body = [
        ("paragraph", f"<p>{PARAGRAPHS[0]}</p><ul><li>one</li><li>two</li></ul><h2>Next</h2>"),
        ("quote", {"quote": "We did it", "attribution": "The speaker"}),
    ]
    story.authors.add(Author.objects.create(name="Aigerim Sadykova", slug="aigerim"))
    story.tags.add("budget")
    with committed():
        story.save_revision().publish()
    story.refresh_from_db()
    return story


def xml(response) -> etree._Element:
    assert response.status_code == 200, response.content[:300]
    return etree.fromstring(response.content, etree.XMLParser(resolve_entities=False, no_network=True))


def test_news_item_carries_rights_language_subject_dates_and_body(client: Client, article) -> None:
    response = client.get(f"/en/newsml/{article.pk}.xml")
    assert response["Content-Type"] == "application/vnd.iptc.g2.newsitem+xml; charset=utf-8"
    assert response.has_header("ETag")
    root = xml(response)
    assert root.tag == f"{{{NAR}}}newsItem"
    assert (
        root.get("guid") == newsml_item_guid(article) == f"urn:newsml:newsdesk.example:article:{article.pk}"
    )
    assert root.get("version") == str(article.live_revision_id)
    assert root.get("standard") == "NewsML-G2"
    assert root.findtext("g:rightsInfo/g:copyrightNotice", namespaces=NS) == "© Newsdesk. Reuse with a link."
    assert root.findtext("g:rightsInfo/g:copyrightHolder/g:name", namespaces=NS)
    assert root.find("g:itemMeta/g:itemClass", NS).get("qcode") == "ninat:text"
    assert root.find("g:itemMeta/g:pubStatus", NS).get("qcode") == "stat:usable"
    assert root.findtext("g:itemMeta/g:firstCreated", namespaces=NS) == article.published_at.isoformat()
    assert root.findtext("g:itemMeta/g:versionCreated", namespaces=NS)
    link = root.find("g:itemMeta/g:link", NS)
    assert link.get("href") == f"https://newsdesk.example{article.url}"
    assert root.find("g:contentMeta/g:language", NS).get("tag") == "en"
    assert root.findtext("g:contentMeta/g:subject/g:name", namespaces=NS) == article.get_parent().title
    assert root.findtext("g:contentMeta/g:keyword", namespaces=NS) == "budget"
    assert root.findtext("g:contentMeta/g:headline", namespaces=NS) == "Budget passed"
    assert root.findtext("g:contentMeta/g:description", namespaces=NS) == article.lead
    assert root.findtext("g:contentMeta/g:by", namespaces=NS) == "Aigerim Sadykova"
    assert root.findtext("g:contentMeta/g:infoSource/g:name", namespaces=NS) == "Kazinform"
    body = root.find("g:contentSet/g:inlineXML/h:html/h:body", NS)
    assert [child.tag.split("}")[1] for child in body] == ["p", "ul", "h2", "blockquote"]
    assert body.find("h:p/h:a", NS).get("href") == "https://gov.example/budget"
    assert body.find("h:p/h:a", NS).get("rel") is None


def test_round_trip_through_our_own_parser(client: Client, article) -> None:
    response = client.get(f"/en/newsml/{article.pk}.xml")
    feed = feed_parse(response.content, content_type=response["Content-Type"], base_url="https://x.example/")
    assert feed.format == "newsml" and feed.problems == []
    (item,) = feed.items
    assert item.guid == newsml_item_guid(article)
    assert item.title == article.title
    assert item.lead == article.lead
    assert item.published_at == article.published_at
    assert item.url == f"https://newsdesk.example{article.url}"
    assert item.language == "en"
    assert item.byline == "Aigerim Sadykova"
    assert item.subjects == (article.get_parent().title,)
    stored = article.body.raw_data[0]["value"]
    assert item.body_html == body_clean(stored) + "<p>We did it</p><p>The speaker</p>"
    assert body_clean(stored) == stored  # our own body is already clean: nothing lost on the way


def test_package_lists_the_latest_live_items_of_the_edition(
    client: Client, article, sections, settings
) -> None:
    settings.WIRES_NEWSML_PACKAGE_ITEMS = 2
    older = article_publish(
        section=sections[("en", "world")], title="Older", published_at=timezone.now() - timedelta(days=1)
    )
    article_publish(
        section=sections[("en", "world")], title="Oldest", published_at=timezone.now() - timedelta(days=2)
    )
    article_publish(section=sections[("ru", "world")], title="Русская", published_at=timezone.now())
    response = client.get("/en/newsml/")
    assert response["Content-Type"] == "application/vnd.iptc.g2.packageitem+xml; charset=utf-8"
    root = xml(response)
    assert root.tag == f"{{{NAR}}}packageItem"
    refs = root.findall("g:groupSet/g:group/g:itemRef", NS)
    assert [ref.get("residref") for ref in refs] == [newsml_item_guid(article), newsml_item_guid(older)]
    assert refs[0].get("href") == f"https://newsdesk.example/en/newsml/{article.pk}.xml"
    assert refs[0].get("version") == str(article.live_revision_id)
    assert root.get("version") == str(max(article.live_revision_id, older.live_revision_id))

    feed = feed_parse(response.content)  # the ingest then fetches each href (test_packages.py)
    assert [(ref.item.title, ref.item.lead, ref.href) for ref in feed.refs] == [
        ("Budget passed", article.lead, refs[0].get("href")),
        ("Older", "A lead sentence.", refs[1].get("href")),
    ]
    assert feed.refs[0].item.url == f"https://newsdesk.example{article.url}"
    # Each reference leads to its item.
    assert client.get(refs[1].get("href").removeprefix("https://newsdesk.example")).status_code == 200


def test_package_queries_do_not_grow_with_items(client: Client, sections) -> None:
    def count() -> int:
        page_cache_purge()
        with CaptureQueriesContext(connection) as context:
            assert client.get("/en/newsml/").status_code == 200
        return len(context.captured_queries)

    article_publish(section=sections[("en", "world")], title="One")
    first = count()
    for n in range(4):
        article_publish(section=sections[("en", "sport")], title=f"More {n}")
    assert count() == first == 2  # the edition, the articles


def test_withdrawn_means_gone_without_the_task_worker(article, settings) -> None:
    client = PageCacheClient()
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": settings.TASK_QUEUES}
    }
    url = f"/en/newsml/{article.pk}.xml"
    assert client.get(url).status_code == 200
    assert newsml_item_guid(article).encode() in client.get("/en/newsml/").content  # now cached too

    with committed():
        ArticlePage.objects.get(pk=article.pk).unpublish()

    response = client.get(url)
    assert response.status_code == 404
    assert response.content.decode() == UNKNOWN_ITEM
    assert newsml_item_guid(article).encode() not in client.get("/en/newsml/").content


def test_other_editions_drafts_and_unknown_ids_are_404(client: Client, article, sections) -> None:
    assert client.get(f"/ru/newsml/{article.pk}.xml").status_code == 404
    draft = ArticlePage(title="Draft", slug="draft", lead="x", locale_id=sections[("en", "world")].locale_id)
    sections[("en", "world")].add_child(instance=draft)
    draft.save_revision()
    ArticlePage.objects.filter(pk=draft.pk).update(live=False)
    assert client.get(f"/en/newsml/{draft.pk}.xml").status_code == 404
    assert client.get("/en/newsml/999999.xml").content.decode() == UNKNOWN_ITEM
    assert client.get("/de/newsml/").status_code == 404
    assert UNKNOWN_EDITION  # the reason for a language with no edition row


def test_a_publish_reaches_the_cached_package_and_item_without_the_task_worker(
    article, sections, settings
) -> None:
    client = PageCacheClient()
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": settings.TASK_QUEUES}
    }
    item_url = f"/en/newsml/{article.pk}.xml"
    for url in (item_url, "/en/newsml/"):
        assert b"Budget passed" in client.get(url).content
        assert client.get(url)["X-Cache"] == "hit"  # both now served from the page cache

    breaking = article_publish(section=sections[("en", "sport")], title="Breaking")
    edited = ArticlePage.objects.get(pk=article.pk)
    edited.title = "Budget passed, amended"
    with committed():
        edited.save_revision().publish()

    package = client.get("/en/newsml/").content
    assert newsml_item_guid(breaking).encode() in package
    assert b"Budget passed, amended" in package
    assert b"Budget passed, amended" in client.get(item_url).content
