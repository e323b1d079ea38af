"""The editors' inbox in the Wagtail admin.

Every view and action starts from `error_reports_for_user`, so a report outside the
user's editions is as good as absent (404), and a user who edits no edition is refused
(PermissionDenied: Wagtail redirects to the dashboard with a message, 403 for XHR).
Reader text reaches these pages only through auto-escaping or `Excerpt.as_html()`.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.models import Locale

from newsdesk.core.editors import request_editions, request_editions_require
from newsdesk.editions.selectors import edition_language_name

from .models import CorrectionNote, ErrorReport, ErrorReportStatus
from .selectors import error_report_excerpts, error_reports_for_user
from .services import (
    HANDLED_STATUSES,
    CorrectionNoteInvalid,
    correction_note_unpublish,
    error_report_fix,
    error_reports_mark,
)

LIST_RADIUS = 160
NOTHING_SELECTED = _("Select at least one report first.")
UNKNOWN_ACTION = _("Unknown action.")
BULK_LABELS = {
    "fixed": _("Mark fixed"),
    "rejected": _("Reject"),
    "duplicate": _("Mark as duplicate"),
}
STATUS_DONE = {
    "fixed": _("Marked fixed"),
    "rejected": _("Rejected"),
    "duplicate": _("Marked as duplicate"),
}


def edition_label(locale: Locale) -> str:
    return edition_language_name(locale.language_code)


# --- The inbox -----------------------------------------------------------------------


class ErrorReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=ErrorReportStatus.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    locale = django_filters.ChoiceFilter(
        label=_("Edition"), field_name="locale_id", empty_label=_("All"), widget=forms.RadioSelect
    )

    class Meta:
        model = ErrorReport
        fields = ["status", "locale"]

    def __init__(
        self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: Any = None
    ) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        editions = request_editions(request) if request is not None else []
        self.filters["locale"].extra["choices"] = [
            (str(locale.pk), edition_label(locale)) for locale in editions
        ]
        # The inbox opens on what needs doing; "All" is an explicit choice (status=).
        self.form.fields["status"].initial = ErrorReportStatus.NEW


class SelectColumn(BaseColumn):
    header_template_name = "corrections/admin/select_header.html"
    cell_template_name = "corrections/admin/select_cell.html"


class ExcerptColumn(BaseColumn):
    cell_template_name = "corrections/admin/excerpt_cell.html"


class ReaderTextColumn(BaseColumn):
    cell_template_name = "corrections/admin/reader_text_cell.html"


class ArticleColumn(BaseColumn):
    cell_template_name = "corrections/admin/article_cell.html"


class EditionColumn(Column):
    def get_value(self, instance: ErrorReport) -> str:
        return edition_label(instance.locale)


class ErrorReportIndexView(BaseListingView):
    model = ErrorReport
    page_title = _("Error reports")
    header_icon = "warning"
    template_name = "corrections/admin/index.html"
    index_url_name = "corrections_admin:index"
    index_results_url_name = "corrections_admin:index_results"
    results_template_name = "corrections/admin/index_results.html"
    filterset_class = ErrorReportFilterSet
    default_ordering = "-last_reported_at"
    paginate_by = 30
    verbose_name = _("error report")
    verbose_name_plural = _("error reports")
    columns = [
        SelectColumn("select", label=_("Select")),
        ExcerptColumn("excerpt", label=_("Error in its paragraph")),
        ReaderTextColumn("reader_text", label=_("Comment and suggestion")),
        Column("report_count", label=_("Readers"), sort_key="report_count"),
        ArticleColumn("article", label=_("Article")),
        EditionColumn("locale", label=_("Edition")),
        StatusTagColumn(
            "get_status_display", label=_("Status"), primary=lambda report: report.status == "new"
        ),
        DateColumn("last_reported_at", label=_("Last reported"), sort_key="last_reported_at"),
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request_editions_require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[ErrorReport]:
        return error_reports_for_user(user=self.request.user)

    def get_filterset_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs()
        if "status" not in kwargs["data"]:
            data = kwargs["data"].copy()
            data["status"] = ErrorReportStatus.NEW
            kwargs["data"] = data
        return kwargs

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        reports = list(context["object_list"])
        excerpts = error_report_excerpts(reports=reports)
        for report in reports:
            report.excerpt = excerpts[report.pk].trimmed(LIST_RADIUS)
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        context["next_url"] = self.index_url + (f"?{query.urlencode()}" if query else "")
        context["bulk_actions"] = [(status, BULK_LABELS[status]) for status in HANDLED_STATUSES]
        return context


class ErrorReportIndexResultsView(ErrorReportIndexView):
    results_only = True


@require_POST
def error_report_bulk(request: HttpRequest) -> HttpResponse:
    """Mark the selected reports fixed, rejected or duplicate (POST with CSRF)."""
    request_editions_require(request)
    action = request.POST.get("action", "")
    if action not in HANDLED_STATUSES:
        return HttpResponseBadRequest(str(UNKNOWN_ACTION))
    next_url = get_valid_next_url_from_request(request) or reverse("corrections_admin:index")
    try:
        ids = {int(value) for value in request.POST.getlist("report")}
    except ValueError:
        return HttpResponseBadRequest("report ids must be numbers")
    if not ids:
        messages.warning(request, str(NOTHING_SELECTED))
        return HttpResponseRedirect(next_url)
    reports = error_reports_for_user(user=request.user).filter(pk__in=ids)
    if reports.count() != len(ids):
        # Some ids are not the user's to touch (another edition, or gone): change nothing.
        raise Http404("error report not found")
    # Wagtail's admin lets only signed-in users this far.
    changed = error_reports_mark(reports=reports, status=action, user=cast(User, request.user))
    messages.success(
        request,
        ngettext("%(action)s: %(count)d report.", "%(action)s: %(count)d reports.", changed)
        % {"action": STATUS_DONE[action], "count": changed},
    )
    return HttpResponseRedirect(next_url)


# --- One report ----------------------------------------------------------------------


FIX_WITH_NOTE = "fixed_with_note"


class ErrorReportActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(value, value) for value in (*HANDLED_STATUSES, FIX_WITH_NOTE)])
    note = forms.CharField(
        label=_("Public correction note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Shown under the article as "Corrected on <date>: <your text>".'),
    )


class ErrorReportDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "corrections/admin/detail.html"
    header_icon = "warning"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        request_editions_require(request)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def report(self) -> ErrorReport:
        return get_object_or_404(error_reports_for_user(user=self.request.user), pk=self.kwargs["pk"])

    def get_page_title(self) -> str:
        return str(_("Error report"))

    def get_page_subtitle(self) -> str:
        return self.report.article.title

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("corrections_admin:index"), "label": _("Error reports")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.report
        context.update(
            {
                "report": report,
                "excerpt": error_report_excerpts(reports=[report])[report.pk],
                "readers": list(report.readers.order_by("created_at", "pk")),
                "notes": list(
                    CorrectionNote.objects.filter(article=report.article).order_by("created_at", "pk")
                ),
                "edit_url": reverse("wagtailadmin_pages:edit", args=[report.article_id]),
                "live_url": report.article.get_url(request=self.request),
                "edition": edition_label(report.locale),
                "form": kwargs.get("form") or ErrorReportActionForm(),
                "is_new": report.status == ErrorReportStatus.NEW,
            }
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.report
        form = ErrorReportActionForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(str(UNKNOWN_ACTION))
        action = form.cleaned_data["action"]
        user = cast(User, request.user)  # Wagtail's admin lets only signed-in users this far
        if action == FIX_WITH_NOTE:
            try:
                error_report_fix(
                    report=report, user=user, note_text=form.cleaned_data["note"], require_note=True
                )
            except CorrectionNoteInvalid as exc:
                form.add_error("note", str(exc.message))
                return self.render_to_response(self.get_context_data(form=form), status=400)
            messages.success(request, str(_("Marked fixed; the correction note is published.")))
        elif action == ErrorReportStatus.FIXED:
            error_report_fix(report=report, user=user)
            messages.success(request, str(STATUS_DONE["fixed"]))
        else:
            error_reports_mark(reports=ErrorReport.objects.filter(pk=report.pk), status=action, user=user)
            messages.success(request, str(STATUS_DONE[action]))
        return HttpResponseRedirect(reverse("corrections_admin:detail", args=[report.pk]))


class CorrectionNoteHideView(View):
    """Take a published correction note off the article page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        editions = request_editions_require(request)
        note = get_object_or_404(
            CorrectionNote.objects.select_related("article"), pk=pk, article__locale__in=editions
        )
        correction_note_unpublish(note=note)
        messages.success(request, str(_("The correction note is no longer shown.")))
        next_url = get_valid_next_url_from_request(request)
        return HttpResponseRedirect(next_url or reverse("corrections_admin:index"))
