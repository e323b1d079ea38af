"""The newsroom's warning when publishing, the scheduler, a worker or the queue is late,
seen through the admin by a signed-in editor."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from newsdesk.articles.tests.factories import ArticlePageFactory, committed
from newsdesk.operations.jobs import heartbeats_job
from newsdesk.operations.tasks import worker_heartbeat_task

pytestmark = pytest.mark.django_db

PANEL = b"data-operations-lateness-panel"


@pytest.fixture
def editor(django_user_model):
    """An editor with admin access only: the warning is for everyone in the newsroom."""
    user = django_user_model.objects.create_user(username="ops-editor", password="x" * 12)
    group = Group.objects.create(name="ops-editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    return user


@pytest.fixture
def signed_in(client, editor):
    client.force_login(editor)
    return client


def lateness(client) -> list[str]:
    response = client.get(reverse("operations_lateness"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.json()["warnings"]


def schedule(section, *, title: str, minutes_from_now: int):
    """An article approved to go live in the future (Wagtail's "publish" with a go-live date)."""
    go_live_at = timezone.now() + timedelta(minutes=minutes_from_now)
    article = ArticlePageFactory.build(title=title, slug="late-story", locale_id=section.locale_id)
    article.go_live_at = go_live_at
    article.live = False
    with committed():
        section.add_child(instance=article)
        article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live and article.go_live_at == go_live_at
    return article


def test_nothing_late_shows_nothing(signed_in):
    heartbeats_job()
    response = signed_in.get("/admin/")
    assert response.status_code == 200
    assert PANEL not in response.content
    assert lateness(signed_in) == []


def test_scheduled_article_late_by_more_than_five_minutes(signed_in, sections, settings, django_user_model):
    article = schedule(sections["en", "politics"], title="<b>Budget</b> vote", minutes_from_now=1)
    chief = django_user_model.objects.create_superuser(username="ops-chief", password="x" * 12, email="")
    six_minutes_late = timezone.now() + timedelta(minutes=1, seconds=settings.OPERATIONS_LATE_SECONDS + 60)
    with time_machine.travel(six_minutes_late - timedelta(minutes=2)):
        heartbeats_job()
        assert lateness(signed_in) == []  # due, but within the five minutes
    with time_machine.travel(six_minutes_late):
        heartbeats_job()  # the processes are alive: only publishing is late
        warnings = lateness(signed_in)
        editor_dashboard = signed_in.get("/admin/")
        signed_in.force_login(chief)
        chief_dashboard = signed_in.get("/admin/")
    assert warnings == ["Scheduled publishing is late: 1 item should have gone live more than 5 minutes ago."]
    # Everyone sees that publishing is late; the story is named to those who may edit it.
    assert PANEL in editor_dashboard.content and b"Budget" not in editor_dashboard.content
    assert PANEL in chief_dashboard.content
    html = chief_dashboard.content.decode()
    assert "&lt;b&gt;Budget&lt;/b&gt; vote" in html and "<b>Budget</b>" not in html
    assert reverse("wagtailadmin_pages:edit", args=[article.pk]) in html


def test_published_schedule_clears_the_warning(signed_in, sections, settings):
    from django.core.management import call_command

    schedule(sections["en", "politics"], title="Budget vote", minutes_from_now=1)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OPERATIONS_LATE_SECONDS + 120)):
        heartbeats_job()
        assert len(lateness(signed_in)) == 1
        with committed():
            call_command("publish_scheduled")
        assert lateness(signed_in) == []


def test_heartbeats_older_than_five_minutes(signed_in, settings):
    heartbeats_job()
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OPERATIONS_LATE_SECONDS + 60)):
        warnings = lateness(signed_in)
        dashboard = signed_in.get("/admin/")
    assert warnings == [
        "The scheduler (scheduled publishing, counter flushes) last reported 6 minutes ago.",
        "The task worker of the “default” queue last reported 6 minutes ago.",
        "The task worker of the “bulk” queue last reported 6 minutes ago.",
    ]
    assert PANEL in dashboard.content


def test_never_started_processes(signed_in):
    assert lateness(signed_in) == [
        "The scheduler (scheduled publishing, counter flushes) has never reported.",
        "The task worker of the “default” queue has never reported.",
        "The task worker of the “bulk” queue has never reported.",
    ]


def test_a_task_waiting_more_than_five_minutes(signed_in, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    worker_heartbeat_task.enqueue("default")  # nobody runs it in this test
    late = timezone.now() + timedelta(seconds=settings.OPERATIONS_LATE_SECONDS + 60)
    with time_machine.travel(late - timedelta(minutes=2)):
        heartbeats_job()  # does not enqueue a second heartbeat behind the waiting one
        assert not any("waiting" in w for w in lateness(signed_in))
    with time_machine.travel(late):
        warnings = lateness(signed_in)
    assert "Background tasks are waiting: the oldest for more than 5 minutes." in warnings


def test_every_admin_page_carries_the_banner_script(signed_in):
    response = signed_in.get("/admin/account/")
    assert response.status_code == 200
    assert b'src="/static/operations/js/lateness.js"' in response.content
    assert f'data-operations-lateness-url="{reverse("operations_lateness")}"'.encode() in response.content


def test_the_warning_data_is_for_the_newsroom_only(client, django_user_model):
    response = client.get(reverse("operations_lateness"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    reader = django_user_model.objects.create_user(username="reader", password="x" * 12)
    client.force_login(reader)
    assert client.get(reverse("operations_lateness")).status_code in {302, 403}
