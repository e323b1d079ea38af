"""Translators' view of likely translations in the Wagtail admin (issue 5).

A suggestion is listed only if the user may edit pages in both editions it joins; confirming
checks Wagtail's page permissions on both pages (403 otherwise) and goes through
services.translation_link_confirm, which refuses a link Wagtail cannot hold (two versions of
one story in the same edition) with a message naming the pages. Titles reach the template
only through auto-escaping.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from newsdesk.core.editors import request_editions_require

from .models import TranslationSuggestion
from .selectors import translation_suggestion_list
from .services import TranslationLinkError, translation_link_confirm

PER_PAGE = 30
NO_EDITIONS = gettext_lazy("You cannot edit articles in any edition.")


def _editable_locale_ids(request: HttpRequest) -> list[int]:
    editions = request_editions_require(request, permission="change_page", message=NO_EDITIONS)
    return [locale.pk for locale in editions]


def _article_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("article", "")
    return int(value) if value.isdigit() else None


class TranslationSuggestionListView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "related/admin/translation_suggestions.html"
    page_title = gettext_lazy("Translation suggestions")
    header_icon = "globe"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        article_id = _article_filter(self.request)
        suggestions = translation_suggestion_list(
            locale_ids=_editable_locale_ids(self.request), article_id=article_id
        )
        context["page_obj"] = Paginator(suggestions, PER_PAGE).get_page(self.request.GET.get("p"))
        context["article_id"] = article_id
        return context


@require_POST
def translation_suggestion_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    locale_ids = _editable_locale_ids(request)
    suggestion = get_object_or_404(
        TranslationSuggestion.objects.select_related("article", "candidate"),
        pk=pk,
        article__locale_id__in=locale_ids,
        candidate__locale_id__in=locale_ids,
    )
    article, candidate = suggestion.article, suggestion.candidate
    for page in (article, candidate):
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied(_("You cannot edit “%(title)s”.") % {"title": page.title})
    try:
        translation_link_confirm(article=article, candidate=candidate)
    except TranslationLinkError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("“%(candidate)s” is now the %(language)s version of “%(article)s”.")
            % {
                "candidate": candidate.title,
                "language": candidate.locale.get_display_name(),
                "article": article.title,
            },
        )
    url = reverse("related_translation_suggestions")
    article_id = _article_filter(request)
    return HttpResponseRedirect(f"{url}?article={article_id}" if article_id else url)
