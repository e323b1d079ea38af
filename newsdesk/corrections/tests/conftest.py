"""Fixtures of the corrections tests: articles to report on, the newsroom's people, a reader."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import translation
from redis.exceptions import RedisError
from wagtail.models import GroupPagePermission
from wagtail.users.models import UserProfile

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.ratelimit import rate_limiter
from newsdesk.core.ratelimit.redis import RedisRateLimiter

PARAGRAPHS = [
    "The river rose by two metres overnight. Rescuers evacuated 300 residents from the village of Akmeshit.",
    "Officials said the water would recede by Friday. The damage is estimated at two billion tenge.",
    "The village school will reopen on Monday, the akimat said.",
]
API_URL = "/api/corrections/reports/"
ORIGIN = "http://testserver"


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings: Any) -> Iterator[None]:
    """Each test starts with unused allowances: database rows roll back with the test; in
    Redis the counters live under a prefix of the test's own, deleted afterwards."""
    prefix = settings.RATE_LIMIT_REDIS_PREFIX = f"test-rl-{uuid.uuid4().hex[:12]}"
    yield
    limiter = rate_limiter()
    if isinstance(limiter, RedisRateLimiter):
        with contextlib.suppress(RedisError, OSError):  # a test pointed it at a closed port
            keys = list(limiter.client.scan_iter(match=f"{prefix}:*"))
            if keys:
                limiter.client.delete(*keys)


@pytest.fixture
def article(sections: dict) -> ArticlePage:
    return article_publish(
        section=sections[("en", "society")], title="Flood waters recede", paragraphs=PARAGRAPHS
    )


@pytest.fixture
def ru_article(sections: dict) -> ArticlePage:
    return article_publish(
        section=sections[("ru", "society")],
        title="Вода отступает",
        slug="voda-otstupaet",
        paragraphs=["Уровень воды в реке поднялся на два метра за ночь. Спасатели эвакуировали 300 жителей."],
    )


def payload(page: ArticlePage, /, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "article": page.pk,
        "selected_text": "metres",
        "context_before": "The river rose by two ",
        "context_after": " overnight. Rescuers evacuated 300 residents",
        "comment": "Should be meters in our style.",
        "suggestion": "meters",
        "url": "http://testserver" + page.url,
    }
    data.update(fields)
    return data


class Reader:
    """A browser on a page of this site, posting reports as the reader script does."""

    def __init__(
        self,
        client: Client,
        *,
        ip: str = "10.0.0.1",
        user_agent: str = "Mozilla/5.0 reader",
        language: str = "en",
    ) -> None:
        self.client = client
        self.language = language
        self.ip = ip
        self.user_agent = user_agent

    def post(
        self,
        data: object,
        *,
        origin: str | None = ORIGIN,
        content_type: str = "application/json",
        raw: bytes | str | None = None,
        **headers: str,
    ) -> Any:
        extra: dict[str, Any] = {"REMOTE_ADDR": self.ip, "HTTP_USER_AGENT": self.user_agent}
        if origin is not None:
            extra["HTTP_ORIGIN"] = origin
        extra.update({f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()})
        body = raw if raw is not None else json.dumps(data)
        return self.client.generic(
            "POST", f"{API_URL}?lang={self.language}", body, content_type=content_type, **extra
        )


@pytest.fixture
def reader(client: Client) -> Reader:
    return Reader(client)


def message(constant: Any, language: str = "en") -> str:
    with translation.override(language):
        return str(constant)


def _user(django_user_model: Any, username: str, *, groups: Sequence[Group] = (), **fields: Any) -> Any:
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@newsroom.test", password="pass", **fields
    )
    user.groups.set(groups)
    # The admin speaks the user's language; these tests read it in English.
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def edition_editors_group(homes: dict, code: str) -> Group:
    """Editors of one edition: publish permission on that edition's home page only."""
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
def editor_en(homes: dict, django_user_model: Any) -> Any:
    return _user(django_user_model, "editor_en", groups=[edition_editors_group(homes, "en")])


@pytest.fixture
def editor_ru(homes: dict, django_user_model: Any) -> Any:
    return _user(django_user_model, "editor_ru", groups=[edition_editors_group(homes, "ru")])


@pytest.fixture
def chief_editor(homes: dict, django_user_model: Any) -> Any:
    """In the newsroom's "Editors" group: publish permission on the whole tree."""
    return _user(django_user_model, "chief", groups=[Group.objects.get(name="Editors")])


@pytest.fixture
def reporter(homes: dict, django_user_model: Any) -> Any:
    return _user(django_user_model, "reporter", groups=[Group.objects.get(name="Reporters")])


@pytest.fixture
def admin_user_with_email(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser(
        username="boss", email="boss@newsroom.test", password="pass"
    )
