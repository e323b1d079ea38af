from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Locale, Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from newsdesk.core.routing import ViewRestrictionsMemoMixin

from . import photos
from .blocks import ArticleBodyBlock
from .forms import ArticlePageForm

if TYPE_CHECKING:
    from datetime import datetime

    from wagtail.images.models import AbstractImage

ARTICLES_PER_PAGE = 20
# The renditions teasers show (templates/includes/teaser.html): fetched with the listing.
TEASER_RENDITIONS = photos.TEASER_RENDITIONS


# django-stubs cannot type the reverse manager of ArticlePage.source: Page is untyped.
class PartnerAgency(index.Indexed, models.Model):  # type: ignore[django-manager-missing]
    """A news agency whose items we syndicate: shown as "Source: <name>"."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(_("website"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("url")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Author(index.Indexed, models.Model):
    """A byline: a staff reporter or contributor."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("title")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


register_snippet(PartnerAgency)
register_snippet(Author)


class ArticlePageQuerySet(PageQuerySet):
    """The newsroom's queries: every listing, feed, sitemap and block starts here."""

    def published(self) -> ArticlePageQuerySet:
        return self.live().filter(published_at__isnull=False)

    def in_edition(self, locale: Locale | int | str) -> ArticlePageQuerySet:
        """Articles of one edition, given its Locale, locale id or language code."""
        if isinstance(locale, str):
            return self.filter(locale__language_code=locale)
        return self.filter(locale=locale)

    def in_section(self, section: Page) -> ArticlePageQuerySet:
        return self.child_of(section)

    def latest(self) -> ArticlePageQuerySet:
        return self.order_by("-published_at", "-pk")

    def for_listing(self) -> ArticlePageQuerySet:
        """What a teaser needs: one query, and one more for the teasers' photo renditions."""
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=TEASER_RENDITIONS)
        return self.select_related("locale", "source", "listing_image").prefetch_related(
            Prefetch("listing_image__renditions", queryset=renditions)
        )


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


def paginate(
    queryset: models.QuerySet, request: HttpRequest, per_page: int = ARTICLES_PER_PAGE
) -> PaginatorPage:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def listing_fragment_key(request: HttpRequest) -> int | None:
    """The page number a listing's rendered teasers are kept under (`{% fragment %}`), or None
    (render, keep nothing) for anything but a plain number up to PAGE_CACHE_MAX_PAGE: random
    `?page=` values must not fill the caches (shared/PITFALLS.md 13)."""
    value = request.GET.get("page", "1")
    if not value.isascii() or not value.isdigit() or len(request.GET.getlist("page")) > 1:
        return None
    number = int(value)
    return number if 1 <= number <= settings.PAGE_CACHE_MAX_PAGE else None


def lazy_page_of(queryset: models.QuerySet, request: HttpRequest) -> PaginatorPage:
    """`paginate`, run only if the listing is rendered (not when its fragment is reused)."""
    return SimpleLazyObject(lambda: paginate(queryset, request))  # type: ignore[return-value]


class SectionPage(ViewRestrictionsMemoMixin, Page):
    """A rubric of an edition: politics, economy, society, world, sport, culture."""

    # Wagtail ships no types, so django-stubs cannot infer the fields of Page subclasses.
    intro: models.CharField[str, str] = models.CharField(_("intro"), max_length=300, blank=True)
    order: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("order on the home page"), default=100, help_text=_("Smaller comes first.")
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("order")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["articles.ArticlePage"]

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def get_context(self, request: HttpRequest, *args: object, **kwargs: object) -> dict:
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.published().in_section(self).for_listing().latest()
        context["articles"] = lazy_page_of(articles, request)
        context["listing_key"] = listing_fragment_key(request)
        return context


class ArticlePage(ViewRestrictionsMemoMixin, Page):
    lead: models.TextField[str, str] = models.TextField(
        _("lead"), blank=True, max_length=600, help_text=_("One or two sentences.")
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    # The lead photo (issue 14): shown at the top of the article, cropped in teasers, and the
    # image of feeds, the API and structured data (docs/photos.md).
    listing_image: models.ForeignKey[AbstractImage | None, AbstractImage | None] = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("lead photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown above the text and, cropped around its focal point, in teasers."),
    )
    # Per article, not per image: one photo serves three editions, each in its own language.
    listing_image_alt: models.CharField[str, str] = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it. Required with a photo."),
    )
    listing_image_caption: models.CharField[str, str] = models.CharField(
        _("caption"), max_length=300, blank=True
    )
    listing_image_credit: models.CharField[str, str] = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_('Who took or supplied the photo: "Kazinform" is shown as "Photo: Kazinform".'),
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))
    authors = ParentalManyToManyField(Author, blank=True, verbose_name=_("authors"), related_name="articles")
    source: models.ForeignKey[PartnerAgency | None, PartnerAgency | None] = models.ForeignKey(
        PartnerAgency,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text=_("The partner agency this item comes from; empty for our own reporting."),
    )
    # The partner's own page for a syndicated item (issue 11): the "Source" line links to it;
    # our page stays canonical for our copy (docs/wires.md).
    original_url: models.URLField[str, str] = models.URLField(
        _("original"), max_length=1000, blank=True, help_text=_("The partner's page for this item.")
    )
    published_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        _("publication date and time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Set on first publication; change it for backdated or imported items."),
    )
    initial_view_count: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("starting view count"),
        default=0,
        help_text=_("Views counted before this article came to Newsdesk (imported items)."),
    )

    objects = ArticlePageManager()

    content_panels = Page.content_panels + [
        FieldPanel("lead"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("listing_image"),
                FieldPanel("listing_image_alt"),
                FieldPanel("listing_image_caption"),
                FieldPanel("listing_image_credit"),
            ],
            heading=_("Lead photo"),
        ),
        MultiFieldPanel(
            [FieldPanel("authors"), FieldPanel("source"), FieldPanel("original_url"), FieldPanel("tags")],
            heading=_("Byline and tags"),
        ),
        MultiFieldPanel(
            [
                MultipleChooserPanel(
                    "related_pins",
                    chooser_field_name="target",
                    label=_("Always show"),
                    heading=_("Always show"),
                ),
                MultipleChooserPanel(
                    "related_exclusions",
                    chooser_field_name="target",
                    label=_("Never show"),
                    heading=_("Never show"),
                ),
            ],
            heading=_("Relevant news"),
            help_text=_("Pinned articles come first, in this order; the rest are found automatically."),
        ),
    ]
    promote_panels = Page.promote_panels + [
        MultiFieldPanel(
            [FieldPanel("published_at"), FieldPanel("initial_view_count")],
            heading=_("Publication"),
        ),
    ]
    # Its changes reach every consumer and then the page cache through `article_changed`
    # (articles.services), not through core's generic page purge.
    announces_changes = True
    # Wagtail's own index is written only when Wagtail's engine serves the search page; our
    # engine keeps its documents in step itself (docs/article-changes.md).
    search_auto_update = settings.SEARCH_ENGINE == "wagtail"
    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("published_at"),
        index.FilterField("locale"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    parent_page_types = ["articles.SectionPage"]
    subpage_types: list[str] = []
    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    @property
    def section(self) -> Page:
        return self.get_parent()

    @property
    def display_date(self) -> datetime:
        return self.published_at or self.first_published_at or timezone.now()

    def get_context(self, request: HttpRequest, *args: object, **kwargs: object) -> dict:
        context = super().get_context(request, *args, **kwargs)
        # The edition's home page sits at depth 2, under the tree's root; it serves tag pages.
        # Read only when a fragment that links to it is rendered (most requests reuse one).
        context["edition_home"] = SimpleLazyObject(self._edition_home)
        return context

    @property
    def has_gallery(self) -> bool:
        """Whether the page needs the gallery's script (read from the raw blocks: no images load)."""
        return any(block["type"] == "gallery" for block in self.body.raw_data)

    def _edition_home(self) -> Page | None:
        return self.get_ancestors().filter(depth=2).specific().first()

    def get_meta_description(self) -> str:
        """SEO description: the editor's, else the lead, else the opening of the body."""
        if self.search_description or self.lead:
            return self.search_description or self.lead
        from .text import rich_text_blocks

        for block in self.body.raw_data:
            if block["type"] == "paragraph" and isinstance(block["value"], str):
                return Truncator(" ".join(rich_text_blocks(block["value"]))).chars(200)
        return ""


class RelatedChoice(Orderable):
    """An editor's choice about an article's relevant news (issue 5): pinned or excluded.

    Kept with the page (and its revisions) so that a choice goes live when the article is
    published. A repeated choice is harmless (the related app reads them as a set), so there is
    no unique constraint that an inline form could trip into a 500.
    """

    target: models.ForeignKey[ArticlePage, ArticlePage] = models.ForeignKey(
        ArticlePage, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta(Orderable.Meta):
        abstract = True

    def clean(self) -> None:
        article = getattr(self, "page", None)
        target = getattr(self, "target", None)
        if article is None or target is None:
            return
        if article.pk is not None and target.pk == article.pk:
            raise ValidationError({"target": _("An article cannot be relevant news for itself.")})
        if article.locale_id is not None and target.locale_id != article.locale_id:
            raise ValidationError({"target": _("Choose an article of the same edition.")})


class ArticleRelatedPin(RelatedChoice):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_pins")

    class Meta(RelatedChoice.Meta):
        verbose_name = _("pinned relevant article")


class ArticleRelatedExclusion(RelatedChoice):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_exclusions")

    class Meta(RelatedChoice.Meta):
        verbose_name = _("excluded relevant article")
