"""Newsroom: the push endpoints' last results under Reports (read-only)."""

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import push_admin_urls
from .push_views import STATUS_PERMISSION


@hooks.register("register_admin_urls")
def register_push_admin_urls() -> list:
    return [path("syndication/", include(push_admin_urls))]


class PushStatusMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(STATUS_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_push_status_menu_item() -> MenuItem:
    return PushStatusMenuItem(
        _("Push endpoints"),
        reverse("syndication_push_status_report"),
        name="push-endpoints",
        icon_name="globe",
        order=700,
    )
