"""Push after publish: WebSub hubs and IndexNow endpoints, against real HTTP servers on
127.0.0.1 (one answers, one fails with 500, one hangs past the read timeout)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks.backends.dummy import DummyBackend

from newsdesk.articles.tests.factories import article_publish
from newsdesk.syndication.models import PushEndpointStatus
from newsdesk.syndication.push import ERROR_SCHEME
from newsdesk.syndication.tasks import push_endpoint_task

KEY = "a1b2c3d4e5f6-key"
BASE = "https://news.example.kz"
HANG_SECONDS = 3.0
DUMMY_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "bulk"]}
}


class Endpoints:
    """A hub and an IndexNow endpoint rolled into one server: /ok, /fail (500), /hang."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        endpoints = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                endpoints.requests.append((self.path, self.headers.get("Content-Type", ""), body))
                if self.path == "/hang":
                    time.sleep(HANG_SECONDS)
                status = 500 if self.path == "/fail" else 204 if self.path == "/ok" else 202
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def paths(self) -> list[str]:
        return [path for path, _type, _body in self.requests]


@pytest.fixture
def endpoints() -> Iterator[Endpoints]:
    server = Endpoints()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def push_settings(
    endpoints: Endpoints, hubs: list[str], indexnow: list[str], **extra: Any
) -> override_settings:
    values: dict[str, Any] = {
        "PUBLIC_BASE_URL": BASE,
        "SYNDICATION_WEBSUB_HUBS": [endpoints.url + path for path in hubs],
        "SYNDICATION_INDEXNOW_ENDPOINTS": [endpoints.url + path for path in indexnow],
        "SYNDICATION_INDEXNOW_KEY": KEY,
        "SYNDICATION_PUSH_CONNECT_TIMEOUT": 1.0,
        "SYNDICATION_PUSH_READ_TIMEOUT": 0.5,
        "SYNDICATION_PUSH_MAX_ATTEMPTS": 3,
        "SYNDICATION_PUSH_RETRY_SECONDS": 30,
    }
    return override_settings(**(values | extra))


def dummy_backend() -> DummyBackend:
    """The task backend under DUMMY_TASKS (tasks held, never run)."""
    return cast(DummyBackend, default_task_backend)  # a proxy to the configured backend


def pushes() -> list[Any]:
    """The push tasks the dummy backend holds (publishing enqueues Wagtail's own tasks too)."""
    return [r for r in dummy_backend().results if r.task.name == "push_endpoint_task"]


def status(endpoints: Endpoints, path: str) -> PushEndpointStatus:
    return PushEndpointStatus.objects.get(endpoint=endpoints.url + path)


@pytest.mark.django_db
def test_publish_pings_hubs_with_feed_urls_and_indexnow_with_the_article(endpoints, sections) -> None:
    with push_settings(endpoints, hubs=["/ok"], indexnow=["/indexnow"]):
        article = article_publish(section=sections[("en", "politics")], title="Pushed story")

    by_path = {path: (content_type, body) for path, content_type, body in endpoints.requests}
    assert sorted(by_path) == ["/indexnow", "/ok"]
    hub = {"type": by_path["/ok"][0], "body": by_path["/ok"][1]}
    ix = {"type": by_path["/indexnow"][0], "body": by_path["/indexnow"][1]}
    form = parse_qsl(hub["body"].decode())
    assert form == [
        ("hub.mode", "publish"),
        ("hub.url", f"{BASE}/en/feeds/rss/"),
        ("hub.url", f"{BASE}/en/feeds/atom/"),
        ("hub.url", f"{BASE}/en/feeds/politics/rss/"),
    ]
    assert ix["type"] == "application/json"
    assert json.loads(ix["body"]) == {
        "host": "news.example.kz",
        "key": KEY,
        "keyLocation": f"{BASE}/{KEY}.txt",
        "urlList": [f"{BASE}{article.url}"],
    }
    ok = status(endpoints, "/ok")
    assert (ok.kind, ok.last_status, ok.consecutive_failures, ok.last_error) == ("websub", 204, 0, "")
    assert ok.last_success_at == ok.last_attempt_at is not None
    assert status(endpoints, "/indexnow").last_status == 202


@pytest.mark.django_db
def test_a_correction_republish_pings_again(endpoints, sections) -> None:
    from newsdesk.articles.tests.factories import committed

    with push_settings(endpoints, hubs=["/ok"], indexnow=[]):
        article = article_publish(section=sections[("en", "politics")], title="Corrected story")
        article.lead = "A corrected lead."
        with committed():
            article.save_revision().publish()
    assert endpoints.paths() == ["/ok", "/ok"]


@pytest.mark.django_db
def test_nothing_leaves_the_machine_by_default(endpoints, sections) -> None:
    with override_settings(TASKS=DUMMY_TASKS):
        dummy_backend().clear()
        article_publish(section=sections[("en", "politics")], title="Quiet story")
        assert pushes() == []
    assert endpoints.requests == []
    assert not PushEndpointStatus.objects.exists()


@pytest.mark.django_db
def test_indexnow_needs_a_key(endpoints, sections) -> None:
    with (
        push_settings(endpoints, hubs=[], indexnow=["/indexnow"]),
        override_settings(SYNDICATION_INDEXNOW_KEY=""),
    ):
        article_publish(section=sections[("en", "politics")], title="Keyless story")
    assert endpoints.requests == []


@pytest.mark.django_db
def test_a_hanging_hub_never_blocks_the_publish_request(endpoints, sections) -> None:
    with (
        push_settings(endpoints, hubs=["/hang", "/ok"], indexnow=["/indexnow"]),
        override_settings(TASKS=DUMMY_TASKS),
    ):
        dummy_backend().clear()
        started = time.monotonic()
        article_publish(section=sections[("en", "politics")], title="Story with a slow hub")
        assert time.monotonic() - started < HANG_SECONDS
        assert endpoints.requests == []  # only enqueued, one task per endpoint
        enqueued = pushes()
        assert [(r.task.name, r.args[1]) for r in enqueued] == [
            ("push_endpoint_task", endpoints.url + "/hang"),
            ("push_endpoint_task", endpoints.url + "/ok"),
            ("push_endpoint_task", endpoints.url + "/indexnow"),
        ]
        assert {r.task.queue_name for r in enqueued} == {"default"}

        # The worker runs them: the hanging one times out and is recorded, the others pass.
        started = time.monotonic()
        outcomes = [r.task.call(*r.args, **r.kwargs) for r in enqueued]
        assert time.monotonic() - started < HANG_SECONDS
    assert outcomes == [False, True, True]
    hang = status(endpoints, "/hang")
    assert hang.last_status is None and "Timeout" in hang.last_error
    assert hang.consecutive_failures == 1 and hang.last_success_at is None
    assert status(endpoints, "/ok").consecutive_failures == 0


@pytest.mark.django_db
def test_a_failing_endpoint_is_retried_with_growing_delays_then_given_up(endpoints) -> None:
    url = endpoints.url + "/fail"
    with push_settings(endpoints, hubs=[], indexnow=[]), override_settings(TASKS=DUMMY_TASKS):
        dummy_backend().clear()
        delays = []
        for attempt in (1, 2, 3):
            before = timezone.now()
            assert push_endpoint_task.call("websub", url, [f"{BASE}/en/feeds/rss/"], attempt) is False
            if attempt < 3:
                retry = pushes()[-1]
                assert list(retry.args) == ["websub", url, [f"{BASE}/en/feeds/rss/"], attempt + 1]
                delays.append(retry.task.run_after - before)
        # Three attempts in all (SYNDICATION_PUSH_MAX_ATTEMPTS): no fourth is enqueued.
        assert len(pushes()) == 2
    assert [round(d / timedelta(seconds=1)) for d in delays] == [30, 60]
    failed = status(endpoints, "/fail")
    assert (failed.last_status, failed.consecutive_failures, failed.last_error) == (
        500,
        3,
        "Internal Server Error",
    )
    assert endpoints.paths() == ["/fail"] * 3


@pytest.mark.django_db
def test_with_the_in_process_backend_retries_stop_at_the_bound(endpoints, sections) -> None:
    with push_settings(endpoints, hubs=["/fail"], indexnow=[]):
        article_publish(section=sections[("en", "politics")], title="Story with a broken hub")
    assert endpoints.paths() == ["/fail"] * 3
    assert status(endpoints, "/fail").consecutive_failures == 3


@pytest.mark.django_db
def test_a_success_after_failures_resets_the_count(endpoints) -> None:
    PushEndpointStatus.objects.create(endpoint=endpoints.url + "/ok", kind="websub", consecutive_failures=5)
    with push_settings(endpoints, hubs=[], indexnow=[]):
        assert push_endpoint_task.call("websub", endpoints.url + "/ok", [f"{BASE}/en/feeds/rss/"]) is True
    assert status(endpoints, "/ok").consecutive_failures == 0


@pytest.mark.django_db
def test_only_http_and_https_endpoints_are_pinged(endpoints) -> None:
    with push_settings(endpoints, hubs=[], indexnow=[], SYNDICATION_PUSH_MAX_ATTEMPTS=1):
        assert push_endpoint_task.call("websub", "file:///etc/passwd", ["x"]) is False
    assert PushEndpointStatus.objects.get(endpoint="file:///etc/passwd").last_error == ERROR_SCHEME


@pytest.mark.django_db
def test_the_indexnow_key_file(client) -> None:
    with override_settings(SYNDICATION_INDEXNOW_KEY=KEY):
        response = client.get(f"/{KEY}.txt")
        assert response.status_code == 200
        assert response.content.decode() == KEY
        assert response["Content-Type"].startswith("text/plain")
        assert client.get("/another-key-1234.txt").status_code == 404
    assert client.get(f"/{KEY}.txt").status_code == 404  # no key configured: no file


@pytest.mark.django_db
def test_the_status_report_needs_the_view_permission_and_escapes(client, django_user_model) -> None:
    from django.contrib.auth.models import Permission

    PushEndpointStatus.objects.create(
        endpoint="https://hub.example/<script>alert(1)</script>", kind="websub", last_error="<b>bad</b>"
    )
    url = reverse("syndication_push_status_report")
    user = django_user_model.objects.create_user("desk", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    refused = client.get(url)  # Wagtail sends a user without the permission to the dashboard
    assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))
    assert "hub.example" not in refused.content.decode()

    user.user_permissions.add(Permission.objects.get(codename="view_pushendpointstatus"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "&lt;b&gt;bad&lt;/b&gt;" in html
    client.logout()
    assert client.get(url).status_code == 302  # to the admin's login
