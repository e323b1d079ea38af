from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from taggit.models import Tag

from newsdesk.syndication.feeds import feed_links_for_page

register = template.Library()


@register.simple_tag(takes_context=True)
def feed_links(context: template.Context, page: object = None, tag: Tag | None = None) -> SafeString:
    """`<link rel="alternate">` to the page's feeds: a section's or tag's own, then its edition's."""
    links = feed_links_for_page(page=page, edition=context.get("edition"), tag=tag)
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" title="{}" href="{}">',
        ((link.mime_type, link.title, link.url) for link in links),
    ) or format_html("")
