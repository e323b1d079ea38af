from __future__ import annotations

from functools import partial

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from newsdesk.articles.models import ArticlePage, SectionPage, lazy_page_of, listing_fragment_key
from newsdesk.articles.selectors import article_list_with_tag
from newsdesk.core.routing import ViewRestrictionsMemoMixin

from .selectors import front_page_blocks


class HomePage(ViewRestrictionsMemoMixin, RoutablePageMixin, Page):
    """An edition's front page: lead story, latest news, a block per section."""

    # Wagtail ships no types, so django-stubs cannot infer the fields of Page subclasses.
    lead_article: models.ForeignKey[ArticlePage | None, ArticlePage | None] = models.ForeignKey(
        "articles.ArticlePage",
        verbose_name=_("lead story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to lead with the latest article."),
    )

    content_panels = Page.content_panels + [FieldPanel("lead_article")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["articles.SectionPage"]
    max_count_per_parent = None

    class Meta:
        verbose_name = _("edition home page")

    def get_context(self, request: HttpRequest, *args: object, **kwargs: object) -> dict:
        context = super().get_context(request, *args, **kwargs)
        # Read only when the front page's fragment is rendered again (after a change).
        context["front"] = SimpleLazyObject(partial(front_page_blocks, home=self))
        return context

    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        # A section or an article is found by its address in one query, instead of a child
        # lookup and a `specific` read per level; the tag routes keep their priority.
        if 1 <= len(path_components) <= 2 and not self._is_subpage_route(path_components):
            model = SectionPage if len(path_components) == 1 else ArticlePage
            url_path = self.url_path + "/".join(path_components) + "/"
            # The slug's index finds the few candidates; the address picks the one under this home.
            page = model.objects.filter(
                slug=path_components[-1], depth=self.depth + len(path_components), url_path=url_path
            ).first()
            if page is not None:
                return page.route(request, [])
        return super().route(request, path_components)

    def _is_subpage_route(self, path_components: list[str]) -> bool:
        if not self.live:
            return False
        try:
            self.resolve_subpage("/" + "/".join(path_components) + "/")
        except Http404:
            return False
        return True

    @path("tags/<str:tag>/", name="tag")
    def tag_page(self, request: HttpRequest, tag: str) -> HttpResponse:
        tag_obj = Tag.objects.filter(slug=tag).first()
        if tag_obj is None:
            raise Http404("unknown tag")
        articles = article_list_with_tag(edition=self.locale, tag_slug=tag)
        return TemplateResponse(
            request,
            "home/tag_page.html",
            {
                "page": self,
                "self": self,
                "tag": tag_obj,
                "articles": lazy_page_of(articles, request),
                "listing_key": listing_fragment_key(request),
            },
        )
