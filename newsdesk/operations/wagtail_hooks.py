"""Newsroom: a warning when scheduled publishing, the scheduler or a worker is late.

Shown in two places: a dashboard panel naming the late items, and on every other admin
page a banner in Wagtail's own message area (a small script asks `operations_lateness`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from . import admin_urls
from .messages import lateness_messages
from .selectors import LateScheduledItem, lateness_get


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("operations/", include(admin_urls))]


class LatenessPanel(Component):
    name = "operations_lateness"
    template_name = "operations/lateness_panel.html"
    order = 10  # above Wagtail's own panels: this one asks for action

    def __init__(self, *, messages: list[str], scheduled: list[LateScheduledItem]) -> None:
        self.messages = messages
        self.scheduled = scheduled

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {"messages": self.messages, "scheduled": self.scheduled}


def _may_edit(user: Any, item: LateScheduledItem) -> bool:
    """Titles are named to those who may edit the item; everyone sees the count."""
    if not item.is_page:
        return bool(user.is_superuser)
    page = Page.objects.filter(pk=item.object_id).first()
    return page is not None and page.permissions_for_user(user).can_edit()


@hooks.register("construct_homepage_panels")
def add_lateness_panel(request: HttpRequest, panels: list) -> None:
    lateness = lateness_get()
    if lateness:
        messages = lateness_messages(lateness, late_minutes=settings.OPERATIONS_LATE_SECONDS // 60)
        scheduled = [item for item in lateness.scheduled if _may_edit(request.user, item)]
        panels.append(LatenessPanel(messages=messages, scheduled=scheduled))


@hooks.register("insert_global_admin_js")
def lateness_banner_script() -> str:
    # Hooks of this kind get no request (the login page has it too): the script asks the
    # signed-in-only view, so nothing about the site's state reaches an anonymous page.
    return format_html(
        '<script type="module" src="{}" data-operations-lateness-url="{}"></script>',
        static("operations/js/lateness.js"),
        reverse("operations_lateness"),
    )
