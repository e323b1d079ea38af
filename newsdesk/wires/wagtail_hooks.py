from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from newsdesk.core.editors import request_editions

from . import admin_urls, rich_text  # noqa: F401 (rich_text registers the external link handler)
from .forms import WireForm
from .models import Wire
from .selectors import wire_item_incoming_count, wire_items_also_reporting


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("wire-desk/", include(admin_urls, namespace="wires_admin"))]


class WireDeskMenuItem(MenuItem):
    """ "Wire desk (N)": shown to editors of at least one edition, N = items waiting in their editions."""

    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request_editions(request))

    def render_component(self, request: HttpRequest) -> LinkMenuItem:
        count = wire_item_incoming_count(editions=request_editions(request))
        label = f"{self.label} ({count})" if count else str(self.label)
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


@hooks.register("register_admin_menu_item")
def register_wire_desk_menu_item() -> MenuItem:
    return WireDeskMenuItem(
        _("Wire desk"), reverse("wires_admin:index"), name="wire-desk", icon_name="globe", order=260
    )


class WireViewSet(SnippetViewSet):
    """Partners' wires: their state is shown, their password never (write-only form field)."""

    model = Wire
    icon = "globe"
    menu_label = _("Wires")
    list_display = [
        "name",
        "partner",
        "edition",
        "active",
        "last_polled_at",
        "last_found",
        "last_created",
        "last_updated",
        "last_skipped",
        "last_errors",
        "last_error",
        "failures",
        "next_poll_at",
    ]
    list_filter = ["partner", "edition", "active"]
    search_fields = ["name", "feed_url"]
    edit_handler = ObjectList(Wire.panels, base_form_class=WireForm)


register_snippet(WireViewSet)


@hooks.register("before_edit_page")
def also_reported_by_message(request: HttpRequest, page: Page) -> HttpResponse | None:
    """ "Also reported by" in the draft's editor, not only on the desk row. Wagtail runs this
    hook after its own edit-permission check; partner names and links are escaped here
    (format_html), as they are partner text (PITFALLS 9)."""
    if request.method != "GET":
        return None
    others = wire_items_also_reporting(article_id=page.pk)
    if not others:
        return None
    partners = format_html_join(
        ", ",
        "{}",
        (
            (
                format_html(
                    '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>',
                    other.url,
                    other.wire.partner.name,
                )
                if other.url
                else other.wire.partner.name,
            )
            for other in others
        ),
    )
    messages.info(request, format_html("{} {}", _("Also reported by:"), partners))
    return None
