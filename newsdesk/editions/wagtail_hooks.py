from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.rich_text.converters.html_to_contentstate import InlineStyleElementHandler
from wagtail.admin.rich_text.editors.draftail import features as draftail_features
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


# Rich-text marks for the Latin edition (issue 13, docs/kazakh-latin.md): a name or a foreign
# quote inside a Kazakh article that the Latin page must show as written. Stored as plain HTML
# attributes the page rewriter reads: `translate="no"` and `lang`.
KEEP_AS_WRITTEN_MARKS = {
    "notranslit": ("NOTRANSLIT", "Ab", _("Do not transliterate (keep as written)"), {"translate": "no"}),
    "lang-ru": ("LANG_RU", "RU", _("In Russian (not transliterated)"), {"lang": "ru"}),
    "lang-en": ("LANG_EN", "EN", _("In English (not transliterated)"), {"lang": "en"}),
}


@hooks.register("register_rich_text_features")
def register_keep_as_written_marks(features: Any) -> None:
    for feature, (style, label, description, attributes) in KEEP_AS_WRITTEN_MARKS.items():
        features.register_editor_plugin(
            "draftail",
            feature,
            draftail_features.InlineStyleFeature(
                {
                    "type": style,
                    "label": label,
                    "description": description,
                    "style": {"textDecoration": "underline dotted", "textDecorationThickness": "2px"},
                }
            ),
        )
        (name, value), *_rest = attributes.items()
        features.register_converter_rule(
            "contentstate",
            feature,
            {
                "from_database_format": {f'span[{name}="{value}"]': InlineStyleElementHandler(style)},
                "to_database_format": {"style_map": {style: {"element": "span", "props": attributes}}},
            },
        )
