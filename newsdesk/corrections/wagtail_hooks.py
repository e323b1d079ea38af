from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem

from newsdesk.core.editors import request_editions

from . import admin_urls
from .selectors import error_report_new_count


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("error-reports/", include(admin_urls, namespace="corrections_admin"))]


class ErrorReportsMenuItem(MenuItem):
    """The "Error reports (N)" item: shown to editors of at least one edition, N = their new reports."""

    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request_editions(request))

    def render_component(self, request: HttpRequest) -> LinkMenuItem:
        count = error_report_new_count(editions=request_editions(request))
        label = f"{self.label} ({count})" if count else str(self.label)
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


@hooks.register("register_admin_menu_item")
def register_error_reports_menu_item() -> MenuItem:
    return ErrorReportsMenuItem(
        _("Error reports"),
        reverse("corrections_admin:index"),
        name="error-reports",
        icon_name="warning",
        order=250,
    )
