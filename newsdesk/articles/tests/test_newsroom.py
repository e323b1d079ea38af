"""Roles, the editorial review workflow and scheduled publishing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.jobs import publish_scheduled_pages


def member_of(group: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="pw", email=f"{username}@example.org")
    user.groups.add(Group.objects.get(name=group))
    return user


def article_form(title: str, slug: str, **extra: object) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "lead": "Lead.",
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
            "tags": "",
            "published_at": "",
            "initial_view_count": "0",
            "comments": inline_formset([]),
            # The "Relevant news" panel's pins and exclusions (issue 5).
            "related_pins": inline_formset([]),
            "related_exclusions": inline_formset([]),
            **extra,
        }
    )


@pytest.mark.django_db
class TestRoles:
    def test_reporter_writes_but_cannot_publish(self, sections) -> None:
        reporter = member_of("Reporters", "rita")
        perms = sections[("en", "politics")].permissions_for_user(reporter)
        assert perms.can_add_subpage()
        assert not perms.can_publish_subpage()
        article = article_publish(section=sections[("en", "politics")], title="Existing")
        assert article.permissions_for_user(reporter).can_edit()
        assert not article.permissions_for_user(reporter).can_publish()
        assert not article.permissions_for_user(reporter).can_unpublish()

    def test_editor_reviews_schedules_and_publishes(self, sections) -> None:
        editor = member_of("Editors", "eddie")
        article = article_publish(section=sections[("ru", "economy")], title="Existing")
        perms = article.permissions_for_user(editor)
        assert perms.can_publish() and perms.can_unpublish() and perms.can_edit()

    def test_reporter_publish_attempt_through_the_admin_leaves_a_draft(
        self, sections, client: Client
    ) -> None:
        reporter = member_of("Reporters", "rita")
        client.force_login(reporter)
        section = sections[("en", "politics")]
        url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", section.pk))
        response = client.post(
            url, {**article_form("Forged publish", "forged-publish"), "action-publish": "1"}
        )
        assert response.status_code in (302, 403)
        article = ArticlePage.objects.filter(slug="forged-publish").first()
        assert article is None or not article.live

    def test_reporter_submits_and_an_editor_approves(self, sections, client: Client) -> None:
        reporter = member_of("Reporters", "rita")
        editor = member_of("Editors", "eddie")
        section = sections[("en", "world")]
        client.force_login(reporter)
        url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", section.pk))
        response = client.post(url, {**article_form("For review", "for-review"), "action-submit": "1"})
        assert response.status_code == 302
        article = ArticlePage.objects.get(slug="for-review")
        assert not article.live
        state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(article.pk))
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        task_state = state.current_task_state
        task = task_state.task.specific
        assert task.name == "Editors' review"
        assert task.get_actions(article, reporter) == []
        assert "approve" in [name for name, *_ in task.get_actions(article, editor)]

        client.force_login(editor)
        action_url = reverse(
            "wagtailadmin_pages:workflow_action", args=(article.pk, "approve", task_state.pk)
        )
        response = client.post(action_url, {"comment": ""})
        assert response.status_code in (200, 302)
        article.refresh_from_db()
        assert article.live
        assert article.published_at is not None

    def test_reporter_cannot_approve_through_a_forged_post(self, sections, client: Client) -> None:
        reporter = member_of("Reporters", "rita")
        client.force_login(reporter)
        section = sections[("en", "world")]
        url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", section.pk))
        client.post(url, {**article_form("Self approval", "self-approval"), "action-submit": "1"})
        article = ArticlePage.objects.get(slug="self-approval")
        task_state = WorkflowState.objects.get(object_id=str(article.pk)).current_task_state
        action_url = reverse(
            "wagtailadmin_pages:workflow_action", args=(article.pk, "approve", task_state.pk)
        )
        response = client.post(action_url, {"comment": ""})
        # Wagtail's admin answers a permission failure with a redirect to the dashboard.
        assert (response.status_code, response.get("Location")) in ((403, None), (302, "/admin/"))
        article.refresh_from_db()
        assert not article.live


@pytest.mark.django_db
class TestScheduledPublishing:
    def test_go_live_happens_at_the_right_minute(self, sections) -> None:
        section = sections[("kk", "sport")]
        start = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
        go_live = start + timedelta(minutes=30)
        with time_machine.travel(start, tick=False):
            article = ArticlePage(
                title="Scheduled", slug="scheduled", locale_id=section.locale_id, live=False
            )
            section.add_child(instance=article)
            article.go_live_at = go_live
            article.save_revision().publish()
            article.refresh_from_db()
            assert not article.live
        with time_machine.travel(go_live - timedelta(seconds=30), tick=False):
            publish_scheduled_pages()
            article.refresh_from_db()
            assert not article.live
        with time_machine.travel(go_live + timedelta(seconds=20), tick=False):
            publish_scheduled_pages()
            article.refresh_from_db()
            assert article.live
            assert article.published_at == go_live

    def test_expiry_happens_at_the_right_minute(self, sections) -> None:
        section = sections[("ru", "culture")]
        start = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
        expire = start + timedelta(hours=2)
        with time_machine.travel(start, tick=False):
            article = article_publish(section=section, title="Expiring", expire_at=expire)
            assert article.live
        with time_machine.travel(expire - timedelta(seconds=30), tick=False):
            publish_scheduled_pages()
            article.refresh_from_db()
            assert article.live
        with time_machine.travel(expire + timedelta(seconds=20), tick=False):
            publish_scheduled_pages()
            article.refresh_from_db()
            assert not article.live
            assert article.expired
