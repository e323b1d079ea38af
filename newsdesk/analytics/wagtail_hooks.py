"""Newsroom: views per day on each article (page listing and page header buttons) and the
most-viewed report under Reports."""

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from newsdesk.articles.models import ArticlePage
from newsdesk.core.editors import editions_for_user

from . import admin_urls
from .admin_views import REPORT_PERMISSION


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("analytics/", include(admin_urls))]


class MostViewedMenuItem(MenuItem):
    """Shown to users who may see view counts (the most-viewed and inflation reports)."""

    def is_shown(self, request: HttpRequest) -> bool:
        return bool(editions_for_user(user=request.user, permission=REPORT_PERMISSION))


@hooks.register("register_reports_menu_item")
def register_most_viewed_report_menu_item() -> MenuItem:
    return MostViewedMenuItem(
        _("Most viewed"),
        reverse("analytics_most_viewed_report"),
        name="most-viewed",
        icon_name="view",
        order=650,
    )


@hooks.register("register_reports_menu_item")
def register_burst_report_menu_item() -> MenuItem:
    return MostViewedMenuItem(
        _("Suspected view inflation"),
        reverse("analytics_burst_report"),
        name="view-bursts",
        icon_name="warning",
        order=651,
    )


def _views_button(page: Any, user: Any, priority: int) -> Iterator[Button]:
    specific_class = page.specific_class
    if (
        specific_class
        and issubclass(specific_class, ArticlePage)
        and page.permissions_for_user(user).can_edit()
    ):
        yield Button(
            _("Views"),
            reverse("analytics_article_views", args=[page.pk]),
            icon_name="view",
            attrs={"title": _("Views per day of this article")},
            priority=priority,
        )


@hooks.register("register_page_listing_more_buttons")
def page_listing_views_button(page: Any, user: Any, next_url: str | None = None) -> Iterator[Button]:
    yield from _views_button(page, user, priority=55)


@hooks.register("register_page_header_buttons")
def page_header_views_button(
    page: Any, user: Any, view_name: str, next_url: str | None = None
) -> Iterator[Button]:
    yield from _views_button(page, user, priority=67)
