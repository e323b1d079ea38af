from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Edition


class EditionPermissionPolicy(ModelPermissionPolicy):
    """Editions follow the configured languages: they are edited, never added or deleted."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in ("add", "delete") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Edition, EditionPermissionPolicy(Edition))


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "site"
    menu_label = _("Editions")
    add_to_settings_menu = True
    list_display = ["name", "language_code", "tagline"]
    copy_view_enabled = False


register_snippet(EditionViewSet)
