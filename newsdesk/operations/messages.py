"""The newsroom's words for what is late: one place for the dashboard panel and the banner."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .selectors import Lateness
from .services import SCHEDULER, WORKER_PREFIX


def lateness_messages(lateness: Lateness, *, late_minutes: int) -> list[str]:
    """One sentence per late part, with no user-written text in it (titles stay in the panel)."""
    messages = []
    if lateness.scheduled_count:
        messages.append(
            ngettext(
                "Scheduled publishing is late: %(count)d item should have gone live more than "
                "%(minutes)d minutes ago.",
                "Scheduled publishing is late: %(count)d items should have gone live more than "
                "%(minutes)d minutes ago.",
                lateness.scheduled_count,
            )
            % {"count": lateness.scheduled_count, "minutes": late_minutes}
        )
    for state in lateness.heartbeats:
        if state.name == SCHEDULER:
            process = _("The scheduler (scheduled publishing, counter flushes)")
        else:
            process = _("The task worker of the “%(queue)s” queue") % {
                "queue": state.name[len(WORKER_PREFIX) :]
            }
        if state.age_seconds is None:
            messages.append(_("%(process)s has never reported.") % {"process": process})
        else:
            messages.append(
                _("%(process)s last reported %(minutes)d minutes ago.")
                % {"process": process, "minutes": state.age_seconds // 60}
            )
    if lateness.oldest_task_since is not None:
        messages.append(
            _("Background tasks are waiting: the oldest for more than %(minutes)d minutes.")
            % {"minutes": late_minutes}
        )
    return messages
