"""The wire desk in the Wagtail admin: incoming partner items per edition, take or discard.

Every view starts from `wire_items_for_user` (the items of the editions the user edits), so
another edition's item is as good as absent (404), and a user who edits no edition is refused
(PermissionDenied). Partner text reaches these pages only through auto-escaping (PITFALLS 9).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import BaseListingView

from newsdesk.articles.models import PartnerAgency
from newsdesk.core.editors import request_editions, request_editions_require
from newsdesk.editions.selectors import edition_language_name

from .desk import wire_item_discard, wire_item_take
from .models import WireItem, WireItemState
from .selectors import INCOMING, INCOMING_STATES, wire_items_for_user

STATE_CHOICES = [(INCOMING, _("Incoming")), *WireItemState.choices, ("all", _("All"))]


class WireItemFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=STATE_CHOICES,
        method="filter_state",
        empty_label=None,
        widget=forms.RadioSelect,
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        field_name="wire__partner",
        queryset=PartnerAgency.objects.filter(wires__isnull=False),
    )
    edition = django_filters.ChoiceFilter(
        label=_("Edition"), field_name="wire__edition_id", empty_label=_("All"), widget=forms.RadioSelect
    )

    class Meta:
        model = WireItem
        fields = ["state", "partner", "edition"]

    def __init__(
        self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: Any = None
    ) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        editions = request_editions(request) if request is not None else []
        self.filters["edition"].extra["choices"] = [
            (str(locale.pk), edition_language_name(locale.language_code)) for locale in editions
        ]
        self.filters["partner"].queryset = PartnerAgency.objects.filter(wires__isnull=False).distinct()

    def filter_state(self, queryset: QuerySet[WireItem], name: str, value: str) -> QuerySet[WireItem]:
        if value == INCOMING:
            return queryset.filter(state__in=INCOMING_STATES)
        if value in WireItemState.values:
            return queryset.filter(state=value)
        return queryset


class TitleColumn(BaseColumn):
    cell_template_name = "wires/admin/title_cell.html"


class AlsoReportedColumn(BaseColumn):
    cell_template_name = "wires/admin/also_reported_cell.html"


class ActionsColumn(BaseColumn):
    cell_template_name = "wires/admin/actions_cell.html"


class PartnerColumn(Column):
    def get_value(self, instance: WireItem) -> str:
        return instance.wire.partner.name


class EditionColumn(Column):
    def get_value(self, instance: WireItem) -> str:
        return edition_language_name(instance.wire.edition.language_code)


class WireDeskView(BaseListingView):
    model = WireItem
    page_title = _("Wire desk")
    header_icon = "globe"
    template_name = "wagtailadmin/generic/listing.html"
    results_template_name = "wires/admin/index_results.html"
    index_url_name = "wires_admin:index"
    index_results_url_name = "wires_admin:index_results"
    filterset_class = WireItemFilterSet
    default_ordering = "-received_at"
    paginate_by = 50
    verbose_name = _("wire item")
    verbose_name_plural = _("wire items")
    columns = [
        TitleColumn("title", label=_("Item")),
        PartnerColumn("partner", label=_("Partner")),
        EditionColumn("edition", label=_("Edition")),
        AlsoReportedColumn("also", label=_("Also reported by")),
        StatusTagColumn("get_state_display", label=_("State"), primary=lambda item: item.state == "new"),
        DateColumn("received_at", label=_("Received"), sort_key="received_at"),
        ActionsColumn("actions", label=_("Actions")),
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request_editions_require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[WireItem]:
        return wire_items_for_user(user=self.request.user)

    def get_filterset_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs()
        if "state" not in kwargs["data"]:
            data = kwargs["data"].copy()
            data["state"] = INCOMING
            kwargs["data"] = data
        return kwargs

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        context["next_url"] = self.index_url + (f"?{query.urlencode()}" if query else "")
        return context


class WireDeskResultsView(WireDeskView):
    results_only = True


def _item_for(request: HttpRequest, pk: int) -> WireItem:
    request_editions_require(request)
    return get_object_or_404(wire_items_for_user(user=request.user), pk=pk)


@require_POST
def wire_item_take_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the item taken and open its draft in the editor."""
    item = _item_for(request, pk)
    if item.article is None or not item.article.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    wire_item_take(item=item, user=request.user)
    return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[item.article_id]))


@require_POST
def wire_item_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the item discarded; back to the desk."""
    item = _item_for(request, pk)
    wire_item_discard(item=item, user=request.user)
    messages.success(request, _("“%(title)s” discarded.") % {"title": item.title})
    return HttpResponseRedirect(get_valid_next_url_from_request(request) or reverse("wires_admin:index"))
