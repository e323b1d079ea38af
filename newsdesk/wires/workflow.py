"""The "Wire review" workflow every wire draft enters: nothing is published without an editor.

A draft enters it without Wagtail's submission e-mails (docs/wires.md, "Drafts, not
publications"): `Workflow.start` sends `workflow_submitted` and `task_submitted`, whose
receivers mail every superuser and every member of the task's groups, once per draft: a
partner's first poll of 500 items would be 500 mails to each editor. So `wire_review_start`
writes the rows `Workflow.start` writes (a WorkflowState in progress on the first task, its
TaskState on the draft's latest revision, the "wagtail.workflow.start" log entry) and sends
neither signal; the site's own workflows, which editors submit to, are untouched and mail as
before. The desk's count in the menu is the signal. From then on it is an ordinary Wagtail
workflow: editors approve, reject or cancel it with Wagtail's own views and notifications.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    Page,
    PageLogEntry,
    Revision,
    Task,
    TaskState,
    Workflow,
    WorkflowState,
    WorkflowTask,
)

WORKFLOW_NAME = "Wire review"
TASK_NAME = "Wire desk: editors' review"
# The newsroom's editors (articles migration 0002); Wagtail's "Moderators" where it still exists.
REVIEWER_GROUPS = ("Editors", "Moderators")
START_ACTION = "wagtail.workflow.start"


@dataclass(frozen=True)
class WireReview:
    """The workflow and its first task, looked up once per poll."""

    workflow: Workflow
    task: Task | None


def wire_review_workflow_ensure() -> Workflow:
    """The workflow, created on first use (idempotent; not assigned to any page: the ingest
    starts it on each draft, and the site's own workflow stays the one editors submit to)."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        return workflow
    with transaction.atomic():
        task = GroupApprovalTask.objects.create(name=TASK_NAME, active=True)
        task.groups.set(Group.objects.filter(name__in=REVIEWER_GROUPS))
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def wire_review_get() -> WireReview:
    workflow = wire_review_workflow_ensure()
    return WireReview(workflow=workflow, task=workflow.tasks.filter(active=True).first())


def wire_review_start(
    *, article: Page, revision: Revision, review: WireReview | None = None
) -> WorkflowState | None:
    """Put a fresh draft (no workflow state yet) in the editors' review, without e-mails.

    With no active task (an administrator disabled it) the draft stays a plain draft: Wagtail
    would finish a task-less workflow at once, and finishing publishes.
    """
    review = review or wire_review_get()
    if review.task is None:
        return None
    state = WorkflowState(
        content_type=article.get_content_type(),
        base_content_type=article.get_base_content_type(),
        object_id=str(article.pk),
        workflow=review.workflow,
        status=WorkflowState.STATUS_IN_PROGRESS,
        requested_by=None,
    )
    # Model.save: WorkflowState.save's full_clean only checks that the page has no other
    # workflow in progress, and a draft created in this transaction has none.
    models.Model.save(state)
    task_state = TaskState.objects.create(
        workflow_state=state, task=review.task, revision=revision, status=TaskState.STATUS_IN_PROGRESS
    )
    state.current_task_state = task_state
    WorkflowState.objects.filter(pk=state.pk).update(current_task_state=task_state)
    workflow = {"id": review.workflow.pk, "title": review.workflow.name, "status": state.status}
    workflow |= {"next": {"id": review.task.pk, "title": review.task.name}, "task_state_id": task_state.pk}
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                content_type=article.get_content_type(),
                label=article.get_admin_display_title(),
                action=START_ACTION,
                timestamp=timezone.now(),
                page=article,
                revision=revision,
                user=None,
                data={"workflow": workflow},
            )
        ]
    )
    return state
