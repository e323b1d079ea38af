from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from newsdesk.articles.models import SectionPage
from newsdesk.editions.selectors import edition_homes

from .forms import SearchForm
from .selectors import article_search


def _sections(request: HttpRequest, language: str) -> list[tuple[int, str]]:
    home = edition_homes(request=request).get(language)
    if home is None:
        return []
    return list(
        SectionPage.objects.child_of(home).live().order_by("order", "title").values_list("pk", "title")
    )


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """/<lang>/search/?q=&section=&date_from=&date_to=&sort=relevance|date&page=N

    A query the form refuses (too long, NUL bytes, bad dates or section) gets the page back
    with the reason and status 400; an empty query gets the form with a hint.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    form = SearchForm(request.GET or None, sections=_sections(request, language))
    context: dict[str, object] = {"form": form, "results": None, "page_obj": None}
    status = 200
    if request.GET and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            results = article_search(
                language=language,
                text=data["q"],
                section_id=data["section"],
                date_from=form.start,
                date_to=form.end,
                sort=data["sort"] or "relevance",
            )
            page_obj = Paginator(results, settings.SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
            context.update(
                results=results,
                page_obj=page_obj,
                query=data["q"],
                no_terms=not results.query.terms,
            )
    elif request.GET:
        status = 400
    return TemplateResponse(request, "search/search_page.html", context, status=status)
