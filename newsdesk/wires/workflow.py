"""The "Wire review" workflow every wire draft enters: nothing is published without an editor."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowTask

WORKFLOW_NAME = "Wire review"
TASK_NAME = "Wire desk: editors' review"
# The newsroom's editors (articles migration 0002); Wagtail's "Moderators" where it still exists.
REVIEWER_GROUPS = ("Editors", "Moderators")


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


def wire_review_start(*, article: Page) -> None:
    """Put a fresh draft in the editors' review (Wagtail e-mails the reviewers as usual)."""
    wire_review_workflow_ensure().start(article, user=None)
