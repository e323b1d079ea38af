from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from newsdesk.core.editors import editions_for_user

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [
        path(
            "related/translations/",
            admin_views.TranslationSuggestionListView.as_view(),
            name="related_translation_suggestions",
        ),
        path(
            "related/translations/<int:pk>/confirm/",
            admin_views.translation_suggestion_confirm,
            name="related_translation_suggestion_confirm",
        ),
    ]


class TranslationsMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(editions_for_user(user=request.user, permission="change_page"))


@hooks.register("register_admin_menu_item")
def register_menu_item() -> MenuItem:
    return TranslationsMenuItem(
        _("Translation suggestions"), reverse("related_translation_suggestions"), icon_name="globe", order=900
    )


@hooks.register("register_page_header_buttons")
def translation_suggestions_button(
    page: Any, user: Any, view_name: str, next_url: str | None = None
) -> Iterator[PageMenuItem]:
    from newsdesk.articles.models import ArticlePage

    if isinstance(page.specific_deferred, ArticlePage) and page.permissions_for_user(user).can_edit():
        yield PageMenuItem(
            _("Translation suggestions"),
            reverse("related_translation_suggestions") + f"?article={page.pk}",
            icon_name="globe",
            priority=80,
            page=page,
        )
