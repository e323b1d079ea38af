"""The wire desk and the wires' admin: who may see and act (PITFALLS 9), escaping, take, discard."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.test import Client
from wagtail.models import GroupPagePermission, WorkflowState
from wagtail.users.models import UserProfile

from newsdesk.wires.jobs import wires_poll_due
from newsdesk.wires.models import Wire, WireItem, WireItemState
from newsdesk.wires.services import ingest_wire

from .desk_fixtures import Entry, rss, serve, wire_for

pytestmark = pytest.mark.django_db

DESK = "/admin/wire-desk/"
HOSTILE = '<script>alert("x")</script>'


def _user(django_user_model: Any, username: str, *groups: Group) -> Any:
    user = django_user_model.objects.create_user(username=username, password="pass")
    user.groups.set(groups)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def _edition_editors(homes: dict, code: str) -> Group:
    group, _ = Group.objects.get_or_create(name=f"Editors {code}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=homes[code],
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    return group


@pytest.fixture
def chief(homes, django_user_model) -> Any:
    return _user(django_user_model, "chief", Group.objects.get(name="Editors"))


@pytest.fixture
def editor_ru(homes, django_user_model) -> Any:
    return _user(django_user_model, "editor_ru", _edition_editors(homes, "ru"))


@pytest.fixture
def reporter(homes, django_user_model) -> Any:
    return _user(django_user_model, "reporter", Group.objects.get(name="Reporters"))


def client_for(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def desk_items(feed_server, sections) -> list[WireItem]:
    url = serve(
        feed_server,
        "/rss",
        rss(
            [
                Entry("h-1", f"Budget {HOSTILE}", "<p>The budget was approved by parliament today.</p>"),
                Entry("h-2", "Floods", "<p>Rescuers evacuated residents of the flooded village.</p>"),
            ]
        ),
    )
    wire = wire_for(sections=sections, url=url, partner=f"Agency {HOSTILE}")
    ingest_wire(wire)
    return list(WireItem.objects.order_by("pk"))


def test_editors_see_incoming_items_newest_first_escaped_with_a_menu_count(chief, desk_items) -> None:
    response = client_for(chief).get(DESK)
    assert response.status_code == 200
    html = response.content.decode()
    assert HOSTILE not in html and "&lt;script&gt;" in html
    soup = BeautifulSoup(html, "html.parser")
    titles = [cell.get_text(" ", strip=True) for cell in soup.select("td.wire-item-title")]
    assert titles[0].startswith("Floods") and titles[1].startswith("Budget")
    assert soup.find_all("script", string=lambda s: s and 'alert("x")' in s) == []
    dashboard = client_for(chief).get("/admin/").content.decode()
    assert "Wire desk (2)" in dashboard


def test_the_desk_filters_by_state_and_partner(chief, desk_items, feed_server, sections) -> None:
    other = wire_for(sections=sections, url=feed_server.url("/other"), partner="Trend")
    client = client_for(chief)
    desk_items[0].state = WireItemState.DISCARDED
    desk_items[0].save()
    assert "Floods" in client.get(DESK).content.decode()
    assert "Budget" not in client.get(DESK).content.decode()
    assert "Budget" in client.get(DESK, {"state": "discarded"}).content.decode()
    partner = str(desk_items[0].wire.partner_id)
    assert "Floods" in client.get(DESK, {"state": "all", "partner": partner}).content.decode()
    assert (
        "Floods" not in client.get(DESK, {"state": "all", "partner": str(other.partner_id)}).content.decode()
    )


def test_take_opens_the_draft_and_marks_it_taken(chief, desk_items) -> None:
    item = desk_items[0]
    client = client_for(chief)
    assert client.get(f"{DESK}{item.pk}/take/").status_code == 405
    response = client.post(f"{DESK}{item.pk}/take/")
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{item.article_id}/edit/"
    item.refresh_from_db()
    assert item.state == WireItemState.TAKEN


def test_discard_takes_it_off_the_desk_and_out_of_review(chief, desk_items) -> None:
    item = desk_items[1]
    response = client_for(chief).post(f"{DESK}{item.pk}/discard/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == WireItemState.DISCARDED
    state = WorkflowState.objects.get(object_id=str(item.article_id))
    assert state.status == WorkflowState.STATUS_CANCELLED
    assert item.article is not None and not item.article.live


def test_actions_need_the_csrf_token(chief, desk_items) -> None:
    client = client_for(chief, enforce_csrf_checks=True)
    assert client.post(f"{DESK}{desk_items[0].pk}/discard/").status_code == 403
    desk_items[0].refresh_from_db()
    assert desk_items[0].state == WireItemState.NEW


def test_users_without_permission_are_refused(reporter, editor_ru, desk_items) -> None:
    item = desk_items[0]
    xhr = {"X-Requested-With": "XMLHttpRequest"}
    for user in (reporter, editor_ru):  # no publish permission; another edition's editor
        client = client_for(user)
        if user is reporter:
            assert client.get(DESK, headers=xhr).status_code == 403
            assert client.post(f"{DESK}{item.pk}/take/", headers=xhr).status_code == 403
            assert "Wire desk" not in client.get("/admin/").content.decode()
        else:
            assert "Budget" not in client.get(DESK, {"state": "all"}).content.decode()
            assert client.post(f"{DESK}{item.pk}/take/").status_code == 404
            assert client.post(f"{DESK}{item.pk}/discard/").status_code == 404
    item.refresh_from_db()
    assert item.state == WireItemState.NEW
    assert Client().get(DESK).status_code == 302  # anonymous: the login page


def test_the_wire_password_is_write_only(chief, feed_server, sections) -> None:
    wire = wire_for(sections=sections, url=feed_server.url("/x"), username="kz", password="s3cret-pass")
    client = client_for(chief)
    listing = client.get("/admin/snippets/wires/wire/").content.decode()
    assert "s3cret-pass" not in listing and wire.name in listing
    edit_url = f"/admin/snippets/wires/wire/edit/{wire.pk}/"
    form = client.get(edit_url)
    assert form.status_code == 200 and "s3cret-pass" not in form.content.decode()
    data = {
        "partner": wire.partner_id,
        "name": "Renamed",
        "feed_url": wire.feed_url,
        "format": "auto",
        "poll_minutes": 15,
        "active": "on",
        "edition": wire.edition_id,
        "section": wire.section_id,
        "attribution": "",
        "username": "kz",
        "password": "",
    }
    assert client.post(edit_url, data).status_code == 302
    wire.refresh_from_db()
    assert (wire.name, wire.password) == ("Renamed", "s3cret-pass")


def test_the_scheduler_polls_due_wires_and_a_bad_one_does_not_stop_the_others(feed_server, sections) -> None:
    bad = wire_for(sections=sections, url=feed_server.url("/gone"), partner="Trend")
    good = wire_for(sections=sections, url=serve(feed_server, "/rss", rss([Entry("g-1", "One")])))
    paused = wire_for(
        sections=sections, url=serve(feed_server, "/p", rss([Entry("p-1", "Two")])), partner="P"
    )
    Wire.objects.filter(pk=paused.pk).update(active=False)

    assert wires_poll_due() == "2 wire(s) enqueued"  # run at once by the tests' task backend

    assert list(WireItem.objects.values_list("guid", flat=True)) == ["g-1"]
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.failures == 1 and good.failures == 0 and good.last_created == 1
    assert wires_poll_due() == ""  # neither is due again yet
