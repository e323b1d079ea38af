"""The IndexNow key file, and the newsroom's read-only report of push endpoints."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.admin.views.reports import ReportView

from .models import PushEndpointStatus
from .push import indexnow_key

STATUS_PERMISSION = "syndication.view_pushendpointstatus"


# Never stored by the page cache: a rotated key must be served at once, and an old one gone.
@never_cache
@require_safe
def indexnow_key_file(request: HttpRequest, key: str) -> HttpResponse:
    """IndexNow checks that we own the host by fetching /<key>.txt, which holds the key."""
    configured = indexnow_key()
    if not configured or key != configured:
        raise Http404("no such key")
    return HttpResponse(configured, content_type="text/plain; charset=utf-8")


class PushEndpointStatusReportView(ReportView):
    """Last result per WebSub hub / IndexNow endpoint (read-only: written by the push task)."""

    page_title = _("Push endpoints")
    header_icon = "globe"
    index_url_name = "syndication_push_status_report"
    index_results_url_name = "syndication_push_status_report_results"
    paginate_by = 50
    columns = [
        Column("endpoint", label=_("Endpoint")),
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        DateColumn("last_attempt_at", label=_("Last attempt")),
        DateColumn("last_success_at", label=_("Last success")),
        Column("last_status", label=_("Last HTTP status")),
        Column("last_error", label=_("Last error")),
        NumberColumn("consecutive_failures", label=_("Consecutive failures")),
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.has_perm(STATUS_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return PushEndpointStatus.objects.all()
