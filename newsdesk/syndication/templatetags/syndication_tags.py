"""Structured data and sharing tags for the page templates (issue 10)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles.models import ArticlePage
from newsdesk.syndication.structured_data import (
    ArticleSharing,
    article_json_ld,
    article_sharing_build,
    home_json_ld,
    json_ld_dumps,
    og_locale,
)

register = template.Library()

# The OpenGraph block and the JSON-LD block of one rendering share what was read.
_SHARING_KEY = "syndication_article_sharing"


def _article_sharing(context: Context, page: ArticlePage) -> ArticleSharing:
    cache = context.render_context
    sharing = cache.get(_SHARING_KEY)
    if sharing is None:
        sharing = article_sharing_build(
            article=page, edition_home=context.get("edition_home"), request=context.get("request")
        )
        cache[_SHARING_KEY] = sharing
    return sharing


def _json_ld_scripts(documents: list[dict[str, Any]]) -> SafeString:
    # json_ld_dumps escapes <, > and &, so the JSON cannot close its <script>.
    return mark_safe(  # noqa: S308
        "\n".join(f'<script type="application/ld+json">{json_ld_dumps(doc)}</script>' for doc in documents)
    )


@register.simple_tag(takes_context=True)
def article_structured_data(context: Context, page: ArticlePage) -> SafeString:
    """`NewsArticle` and `BreadcrumbList` JSON-LD of an article."""
    sharing = _article_sharing(context, page)
    return _json_ld_scripts(article_json_ld(sharing=sharing, edition=context.get("edition")))


@register.simple_tag(takes_context=True)
def home_structured_data(context: Context) -> SafeString:
    """`WebSite` with its `SearchAction`, and the agency, on an edition's home page."""
    code = translation.get_language() or "ru"
    return _json_ld_scripts(home_json_ld(edition=context.get("edition"), language_code=code))


@register.inclusion_tag("syndication/article_opengraph.html", takes_context=True)
def article_opengraph(context: Context, page: ArticlePage) -> dict[str, Any]:
    """OpenGraph and Twitter/X card tags of an article; the template engine escapes the values."""
    sharing = _article_sharing(context, page)
    edition = context.get("edition")
    return {
        "sharing": sharing,
        "site_name": edition.name if edition else "",
        "locale": og_locale(sharing.language_code),
        "alternate_locales": [og_locale(link.language_code) for link in sharing.translations],
        "image": sharing.images[0] if sharing.images else None,
    }
