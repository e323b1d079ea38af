"""Wire drafts enter "Wire review" without mailing anyone; the site's own workflow still mails."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import PageLogEntry, TaskState, Workflow, WorkflowState

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import committed
from newsdesk.wires.models import WireItem
from newsdesk.wires.services import ingest_wire
from newsdesk.wires.workflow import START_ACTION, WORKFLOW_NAME

from .desk_fixtures import Entry, rss, serve, wire_for

pytestmark = pytest.mark.django_db

DRAFTS = 5


@pytest.fixture
def newsroom(homes, django_user_model) -> dict[str, Any]:
    editor = django_user_model.objects.create_user("editor", "editor@example.com", "pass")
    editor.groups.add(Group.objects.get(name="Editors"))
    reporter = django_user_model.objects.create_user("reporter", "reporter@example.com", "pass")
    reporter.groups.add(Group.objects.get(name="Reporters"))
    chief = django_user_model.objects.create_superuser("chief", "chief@example.com", "pass")
    return {"editor": editor, "reporter": reporter, "chief": chief}


def test_wire_drafts_mail_nobody_and_a_reporters_submission_still_mails(
    feed_server, sections, newsroom, settings
) -> None:
    settings.WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = True
    entries = [
        Entry(f"kz-{n}", f"Story {n}", f"<p>Text of story number {n}, all of it.</p>") for n in range(DRAFTS)
    ]
    url = serve(feed_server, "/rss", rss(entries))
    mail.outbox = []
    with committed():
        result = ingest_wire(wire_for(sections=sections, url=url))
    assert result.tally.created == DRAFTS
    assert mail.outbox == []
    states = WorkflowState.objects.filter(
        workflow__name=WORKFLOW_NAME, status=WorkflowState.STATUS_IN_PROGRESS
    )
    assert states.count() == DRAFTS
    assert PageLogEntry.objects.filter(action=START_ACTION).count() == DRAFTS

    # The site's own workflow, as a reporter submits a story: Editors and superusers are mailed.
    story = ArticlePage.objects.get(pk=WireItem.objects.first().article_id)
    own = ArticlePage(title="Our own story", slug="our-own-story", locale=story.locale)
    story.get_parent().add_child(instance=own)
    own.save_revision(user=newsroom["reporter"])
    with committed():
        Workflow.objects.get(name="Editorial review").start(own, user=newsroom["reporter"])
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["chief@example.com", "chief@example.com", "editor@example.com"]


def test_an_editor_approves_a_wire_draft_with_wagtails_own_workflow(feed_server, sections, newsroom) -> None:
    url = serve(feed_server, "/rss", rss([Entry("kz-1", "Budget approved")]))
    ingest_wire(wire_for(sections=sections, url=url))
    draft = ArticlePage.objects.get(pk=WireItem.objects.get().article_id)
    state = draft.current_workflow_state
    assert state is not None and state.workflow.name == WORKFLOW_NAME
    task_state = state.current_task_state
    assert task_state.status == TaskState.STATUS_IN_PROGRESS and task_state.revision == draft.latest_revision
    editor = newsroom["editor"]
    assert "approve" in [action[0] for action in task_state.task.specific.get_actions(draft, editor)]
    with committed():
        task_state.task.specific.on_action(task_state, editor, "approve")
    draft.refresh_from_db()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert draft.live and draft.title == "Budget approved"
