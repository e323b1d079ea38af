"""Who works on which edition: one rule for the inbox, the reports and the digest e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from wagtail.models import GroupPagePermission

from newsdesk.core.editors import (
    edition_editors,
    editions_for_user,
    request_editions,
    request_editions_require,
)

pytestmark = pytest.mark.django_db


def _group(name: str, page: Any, *codenames: str) -> Group:
    group = Group.objects.create(name=name)
    for codename in codenames:
        GroupPagePermission.objects.create(
            group=group,
            page=page,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    return group


@pytest.fixture
def people(homes: dict, django_user_model: Any) -> dict[str, Any]:
    ru_editors = _group("ru editors", homes["ru"], "change_page", "publish_page")
    en_writers = _group("en writers", homes["en"], "change_page")
    root_editors = _group("all editors", homes["ru"].get_parent(), "publish_page")
    users = {}
    for name, groups in (("ru", [ru_editors]), ("writer", [en_writers]), ("chief", [root_editors])):
        users[name] = django_user_model.objects.create_user(
            username=name, email=f"{name}@newsroom.test", password="x"
        )
        users[name].groups.set(groups)
    users["boss"] = django_user_model.objects.create_superuser(
        username="boss", email="boss@newsroom.test", password="x"
    )
    return users


def codes(locales: list) -> set[str]:
    return {locale.language_code for locale in locales}


def test_editions_for_user(people: dict) -> None:
    assert codes(editions_for_user(user=people["ru"])) == {"ru"}
    assert codes(editions_for_user(user=people["writer"])) == set()
    assert codes(editions_for_user(user=people["writer"], permission="change_page")) == {"en"}
    assert codes(editions_for_user(user=people["chief"])) == {"ru", "kk", "en"}
    assert codes(editions_for_user(user=people["boss"])) == {"ru", "kk", "en"}
    assert editions_for_user(user=AnonymousUser()) == []
    people["ru"].is_active = False
    assert editions_for_user(user=people["ru"]) == []


def test_edition_editors_are_the_same_rule_read_the_other_way(homes: dict, people: dict) -> None:
    ru, en = homes["ru"].locale, homes["en"].locale
    assert [user.username for user in edition_editors(locale=ru)] == ["ru", "chief"]
    assert [user.username for user in edition_editors(locale=en)] == ["chief"]
    assert [user.username for user in edition_editors(locale=en, permission="change_page")] == ["writer"]


def test_with_nobody_set_up_the_administrators_stand_in(homes: dict, django_user_model: Any) -> None:
    django_user_model.objects.create_superuser(username="boss", email="boss@newsroom.test", password="x")
    assert [user.username for user in edition_editors(locale=homes["kk"].locale)] == ["boss"]


def test_request_editions_are_looked_up_once_per_permission(
    rf: RequestFactory, people: dict, django_assert_num_queries: Any
) -> None:
    request = rf.get("/admin/")
    request.user = people["ru"]
    with django_assert_num_queries(2):
        assert codes(request_editions(request)) == {"ru"}
        assert codes(request_editions(request)) == {"ru"}
    assert codes(request_editions(request, permission="change_page")) == {"ru"}


def test_no_edition_is_permission_denied_with_the_message(rf: RequestFactory, people: dict) -> None:
    request = rf.get("/admin/")
    request.user = people["writer"]
    with pytest.raises(PermissionDenied, match="^You edit nothing.$"):
        request_editions_require(request, message="You edit nothing.")
    assert codes(request_editions_require(request, permission="change_page")) == {"en"}
