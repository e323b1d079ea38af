from collections.abc import Hashable
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Site

from newsdesk.core.fragments import fragment_get_or_set
from newsdesk.related.selectors import article_list_related_for_block, article_related_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def related_articles(context: template.Context, page: Any) -> SafeString:
    """The relevant-news block, rendered once per list and reused (issue 12): the worker
    rewrites lists without a signal, so the key is the list itself (one light query per
    request); a change to any listed page bumps the fragments generation."""
    request = context.get("request")
    ids = article_related_ids(article=page)
    site = Site.find_for_request(request) if request is not None else None

    def render() -> str:
        articles = article_list_related_for_block(article=page, ids=ids)
        return str(render_to_string("related/related_block.html", {"articles": articles}, request=request))

    site_pk = site.pk if site else None
    vary: tuple[Hashable, ...] = (site_pk, page.pk, *ids) if ids else (site_pk, page.pk, "fallback")
    return mark_safe(fragment_get_or_set("related", vary, render, request=request))  # noqa: S308
