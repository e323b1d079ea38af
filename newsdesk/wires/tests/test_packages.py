"""A NewsML-G2 packageItem wire: each referenced newsItem fetched and ingested (issue 11).

Our own /<lang>/newsml/ package is rendered by the site, then served with its items by a real
HTTP server on 127.0.0.1 (PUBLIC_BASE_URL points there, so the package's hrefs do too).
"""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import ArticlePage, PartnerAgency
from newsdesk.articles.tests.factories import article_publish
from newsdesk.wires import packages
from newsdesk.wires.models import WireItem
from newsdesk.wires.newsml_out import newsml_item_guid
from newsdesk.wires.services import ingest_url, ingest_wire

from .desk_fixtures import wire_for
from .feedserver import FeedServer, Static

pytestmark = pytest.mark.django_db

NEWSITEM = "application/vnd.iptc.g2.newsitem+xml"
PACKAGE = "application/vnd.iptc.g2.packageitem+xml"
NAR = "http://iptc.org/std/nar/2006-10-01/"
DRAFT_FIELDS = ("title", "lead", "original_url", "published_at", "source_id", "locale_id")


@pytest.fixture
def published(sections, settings, feed_server: FeedServer) -> list[ArticlePage]:
    settings.PUBLIC_BASE_URL = feed_server.url("")
    settings.WIRES_NEWSML_PACKAGE_ITEMS = 10
    now = timezone.now()
    stories = [
        article_publish(
            section=sections[("en", "politics")],
            title="Budget passed",
            lead="The lower house approved next year's budget.",
            paragraphs=['Parliament <b>approved</b> the <a href="https://gov.example/b">budget</a>.'],
            published_at=now - timedelta(hours=2),
        ),
        article_publish(
            section=sections[("en", "politics")],
            title="Floods in the north",
            lead="Three hundred residents were evacuated.",
            paragraphs=["Rescuers evacuated the village as the river rose.", "The ministry said so."],
            published_at=now - timedelta(hours=1),
        ),
    ]
    client = Client()
    for story in stories:
        path = f"/en/newsml/{story.pk}.xml"
        feed_server.route(path, Static(client.get(path).content, NEWSITEM))
    feed_server.route("/en/newsml/", Static(client.get("/en/newsml/").content, PACKAGE))
    return stories


def body_of(article: ArticlePage) -> list:
    return article.get_latest_revision_as_object().body.raw_data


def test_our_package_round_trips_into_the_drafts_its_news_items_give(
    feed_server: FeedServer, sections, published: list[ArticlePage]
) -> None:
    package_wire = wire_for(sections=sections, url=feed_server.url("/en/newsml/"), section="world")
    result = ingest_wire(package_wire)
    assert result.tally.as_dict() == {"found": 2, "created": 2, "updated": 0, "skipped": 0, "errors": 0}
    assert {path for path, _ in feed_server.requests} == {
        "/en/newsml/",
        *(f"/en/newsml/{story.pk}.xml" for story in published),
    }
    from_package = {i.guid: i.article for i in WireItem.objects.filter(wire=package_wire)}
    assert set(from_package) == {newsml_item_guid(story) for story in published}

    for story in published:  # the same newsItems, each a wire of its own (same partner: no merging)
        item_wire = wire_for(sections=sections, url=feed_server.url(f"/en/newsml/{story.pk}.xml"))
        assert ingest_wire(item_wire).tally.created == 1
        direct = WireItem.objects.get(wire=item_wire).article
        via_package = from_package[newsml_item_guid(story)]
        assert direct is not None and via_package is not None
        assert [getattr(via_package, f) for f in DRAFT_FIELDS] == [getattr(direct, f) for f in DRAFT_FIELDS]
        assert body_of(via_package)[0]["value"] == body_of(direct)[0]["value"]
        # And the draft says what the article said.
        assert (via_package.title, via_package.lead, via_package.published_at) == (
            story.title,
            story.lead,
            story.published_at,
        )
        assert body_of(via_package)[0]["value"] == "".join(b["value"] for b in story.body.raw_data)
        assert via_package.original_url == feed_server.url(story.url)


def test_an_item_that_cannot_be_fetched_is_an_item_error_and_the_others_go_on(
    feed_server: FeedServer, sections, published: list[ArticlePage]
) -> None:
    broken, fine = published
    feed_server.route(f"/en/newsml/{broken.pk}.xml", Static(b"gone", "text/plain", status=404))
    wire = wire_for(sections=sections, url=feed_server.url("/en/newsml/"))
    result = ingest_wire(wire)
    assert result.tally.as_dict() == {"found": 2, "created": 1, "updated": 0, "skipped": 0, "errors": 1}
    assert result.problems == [f"item {newsml_item_guid(broken)}: HTTP 404 Not Found"]
    assert [i.guid for i in WireItem.objects.all()] == [newsml_item_guid(fine)]
    wire.refresh_from_db()
    assert wire.etag == ""  # the package is read again next time, for the item that failed

    feed_server.route(f"/en/newsml/{broken.pk}.xml", Static(b"<html>not NewsML</html>", NEWSITEM))
    again = ingest_wire(wire)
    assert (again.tally.errors, again.tally.skipped) == (1, 1)
    assert "not a NewsML-G2 document" in again.problems[0]


def test_a_package_fetches_at_most_its_cap_and_the_rest_are_skipped(
    feed_server: FeedServer, sections, published: list[ArticlePage], monkeypatch
) -> None:
    monkeypatch.setattr(packages, "PACKAGE_MAX_ITEMS", 1)
    result = ingest_url(url=feed_server.url("/en/newsml/"), edition=published[0].locale)
    assert result.tally.as_dict() == {"found": 2, "created": 1, "updated": 0, "skipped": 1, "errors": 0}
    assert [o.reason for o in result.outcomes if o.action == "skipped"] == ["beyond the package's cap"]
    assert len([p for p, _ in feed_server.requests if p.endswith(".xml")]) == 1


def test_references_are_relative_to_the_package_and_credentials_stay_at_its_origin(
    feed_server: FeedServer, sections, published: list[ArticlePage], settings
) -> None:
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = False
    settings.WIRES_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    first, second = published
    item = Client().get(f"/en/newsml/{second.pk}.xml").content
    with FeedServer() as elsewhere:
        elsewhere.route("/item.xml", Static(item, NEWSITEM))
        package = f"""<packageItem xmlns="{NAR}" guid="p" version="1" xml:lang="en">
          <groupSet root="G1"><group id="G1">
            <itemRef residref="{newsml_item_guid(first)}" href="{first.pk}.xml"/>
            <itemRef residref="{newsml_item_guid(second)}" href="{elsewhere.url("/item.xml")}"/>
            <itemRef residref="urn:nowhere"/>
            <itemRef residref="urn:private" href="http://10.1.2.3/x.xml"/>
          </group></groupSet></packageItem>"""
        feed_server.route("/en/newsml/p.xml", Static(package.encode(), PACKAGE))
        wire = wire_for(
            sections=sections, url=feed_server.url("/en/newsml/p.xml"), username="pool", password="s3cret"
        )
        result = ingest_wire(wire)
    assert (result.tally.created, result.tally.errors) == (2, 2)
    assert result.problems[0] == "item urn:nowhere: the package gives no address to fetch it from"
    assert result.problems[1].startswith("item urn:private: refused: 10.1.2.3")
    ours = dict(feed_server.requests)
    assert (
        "Authorization" in ours["/en/newsml/p.xml"] and "Authorization" in ours[f"/en/newsml/{first.pk}.xml"]
    )
    assert [headers.get("Authorization") for _, headers in elsewhere.requests] == [None]
    assert PartnerAgency.objects.count() == 1


def test_a_hostile_package_tried_with_url_ends_in_a_json_tally(
    feed_server: FeedServer, published: list[ArticlePage], settings
) -> None:
    settings.WIRES_FETCH_DEADLINE = 2.0
    good = published[0]
    refs = [
        f'<itemRef residref="{newsml_item_guid(good)}" href="{good.pk}.xml"/>',
        '<itemRef residref="urn:laughs" href="laughs.xml"/>',
        '<itemRef residref="urn:loop" href="loop.xml"/>',
        '<itemRef residref="urn:nested" href="nested.xml"/>',
        '<itemRef residref="urn:file" href="file:///etc/passwd"/>',
    ]
    package = f'<packageItem xmlns="{NAR}" guid="p"><groupSet><group>{"".join(refs)}</group></groupSet></packageItem>'
    laughs = '<?xml version="1.0"?><!DOCTYPE n [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    feed_server.route(
        "/en/newsml/laughs.xml", Static(f'{laughs}<newsItem xmlns="{NAR}">&b;</newsItem>'.encode())
    )
    feed_server.route("/en/newsml/loop.xml", Static(b"", status=302, headers={"Location": "loop.xml"}))
    feed_server.route("/en/newsml/nested.xml", Static(package.encode(), PACKAGE))
    feed_server.route("/en/newsml/hostile.xml", Static(package.encode(), PACKAGE))
    out, err = StringIO(), StringIO()
    call_command(
        "syndication_ingest",
        "--url",
        feed_server.url("/en/newsml/hostile.xml"),
        "--edition",
        "en",
        "--dry-run",
        "--json",
        stdout=out,
        stderr=err,
    )
    payload = json.loads(out.getvalue())
    assert payload["tally"] == {"found": 5, "created": 1, "updated": 0, "skipped": 0, "errors": 4}
    assert [item["guid"] for item in payload["items"]] == [newsml_item_guid(good)]
    assert "Traceback" not in err.getvalue() and err.getvalue().count("\n") == 2  # progress, total
