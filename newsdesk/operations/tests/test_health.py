"""/healthz and /readyz through the whole middleware stack."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone

from newsdesk.operations import health
from newsdesk.operations.jobs import heartbeats_job

pytestmark = pytest.mark.django_db

NEVER_CACHED = ("no-store", "no-cache", "max-age=0", "private")


def assert_never_cached(response) -> None:
    cache_control = response["Cache-Control"]
    for directive in NEVER_CACHED:
        assert directive in cache_control
    assert not response.cookies


def test_healthz_answers_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"ok\n"
    assert_never_cached(response)


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_readyz_names_the_processes_that_never_reported(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failing"] == ["scheduler", "worker:default", "worker:bulk"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache:default"]["ok"] is True
    assert body["checks"]["cache:pages"]["ok"] is True
    assert body["checks"]["scheduler"]["detail"] == "no heartbeat yet"
    assert_never_cached(response)


def test_readyz_is_ready_once_the_scheduler_and_workers_beat(client, django_assert_num_queries):
    assert client.get("/readyz").status_code == 503  # and that answer was not kept anywhere
    heartbeats_job()  # tasks run in-process in the tests: the workers' beats are stamped too
    with django_assert_num_queries(2):  # SELECT 1, then every heartbeat in one query
        response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["failing"] == []
    assert set(response.json()["checks"]) == {
        "database",
        "cache:default",
        "cache:pages",
        "scheduler",
        "worker:default",
        "worker:bulk",
    }
    assert_never_cached(response)


def test_readyz_fails_when_heartbeats_are_older_than_the_limit(client, settings):
    heartbeats_job()
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OPERATIONS_LATE_SECONDS - 30)):
        assert client.get("/readyz").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OPERATIONS_LATE_SECONDS + 30)):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["scheduler", "worker:default", "worker:bulk"]
    assert response.json()["checks"]["scheduler"]["detail"].startswith("last heartbeat 3")


def test_a_worker_that_runs_nothing_has_no_heartbeat(client, settings):
    """The worker's beat is stamped by a task it runs: a queue nobody drains stays late."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": settings.TASK_QUEUES}
    }
    heartbeats_job()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker:default", "worker:bulk"]


def test_readyz_names_an_unreachable_cache(client, settings):
    heartbeats_job()
    settings.CACHES = {
        **settings.CACHES,
        # A Redis nobody listens on, with the production options (errors ignored, None read).
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
            },
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache:pages"]


def test_readyz_names_a_failing_database_without_its_error_text(client, monkeypatch):
    heartbeats_job()

    def refuse() -> tuple[bool, str]:
        raise OperationalError('connection to server at "10.1.2.3", port 5432 failed')

    monkeypatch.setattr(health, "_database", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"]["database"]["detail"] == "OperationalError"
    assert b"10.1.2.3" not in response.content


def test_one_scheduler_tick_makes_the_site_ready(client, monkeypatch):
    """The heartbeat job is wired into the scheduler's periodic jobs (settings.PERIODIC_JOBS)."""
    from django.core.management import call_command

    from newsdesk.core.management.commands import core_scheduler

    # Inside the test's transaction Django would close the PostgreSQL connection as obsolete
    # (its autocommit differs from the settings'), and every job would fail.
    monkeypatch.setattr(core_scheduler, "close_old_connections", lambda: None)

    assert client.get("/readyz").status_code == 503
    call_command("core_scheduler", "--once")
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
