"""'Also reported by' in the draft's page editor: escaped, and only for those who may edit it."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.test import Client

from newsdesk.wires.models import WireItem, WireItemState
from newsdesk.wires.services import ingest_wire

from .desk_fixtures import Entry, rss, serve, wire_for

pytestmark = pytest.mark.django_db

STORY = (
    "<p>The Mazhilis approved the republican budget for the next three years on Monday after a long debate, "
    "with spending on education and health care rising by a fifth.</p>"
)
HOSTILE_NAME = '<script>alert("partner")</script>'
HOSTILE_LINK = 'https://b.example/9?a=1&b="><img src=x onerror=alert(1)>'


@pytest.fixture
def merged(feed_server, sections) -> WireItem:
    url_a = serve(
        feed_server, "/a", rss([Entry("a-1", "Budget approved", STORY, link="https://a.example/1")])
    )
    url_b = serve(
        feed_server,
        "/b",
        rss(
            [
                Entry(
                    "b-9",
                    "Parliament approves budget",
                    STORY.replace("Monday", "Monday evening"),
                    link=HOSTILE_LINK,
                )
            ]
        ),
    )
    ingest_wire(wire_for(sections=sections, url=url_a, partner="Kazinform"))
    ingest_wire(wire_for(sections=sections, url=url_b, partner=HOSTILE_NAME))
    first = WireItem.objects.get(guid="a-1")
    assert WireItem.objects.get(guid="b-9").state == WireItemState.DUPLICATE
    return first


def editor_of(django_user_model: Any, username: str, group: str) -> Client:
    user = django_user_model.objects.create_user(username=username, password="pass")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client()
    client.force_login(user)
    return client


def test_the_editor_shows_who_else_reported_it_escaped(merged: WireItem, django_user_model) -> None:
    client = editor_of(django_user_model, "editor", "Editors")
    response = client.get(f"/admin/pages/{merged.article_id}/edit/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    notice = next(m for m in page.select(".messages li") if "Also reported by" in m.get_text())
    (link,) = notice.select("a")
    assert link.get_text() == HOSTILE_NAME  # shown as text, not run
    echo = WireItem.objects.get(guid="b-9")
    assert '">' in echo.url and link["href"] == echo.url  # the whole link stayed inside href
    assert set(link["rel"]) == {"noopener", "noreferrer", "nofollow"}
    assert not page.select(".messages script") and not page.select(".messages img")
    assert HOSTILE_NAME.encode() not in response.content


def test_no_notice_for_someone_who_may_not_edit_the_draft(merged: WireItem, django_user_model) -> None:
    admin_only, _ = Group.objects.get_or_create(name="Admin access only")
    admin_only.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client = editor_of(django_user_model, "visitor", "Admin access only")
    response = client.get(f"/admin/pages/{merged.article_id}/edit/", follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0] == "/admin/"  # Wagtail's refusal
    assert b"Also reported by" not in response.content
    assert HOSTILE_NAME.encode() not in response.content
    assert b"alert(&quot;partner&quot;)" not in response.content
