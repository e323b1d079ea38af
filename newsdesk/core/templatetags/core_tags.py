from datetime import datetime
from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Site

from newsdesk.core.fragments import fragment_get_or_set
from newsdesk.core.timezone import format_almaty, to_almaty

register = template.Library()


@register.filter
def almaty_datetime(value: datetime | None) -> str:
    """Render a stored UTC datetime as the agency's date line: `22.08.2021, 08:42`."""
    return format_almaty(value)


@register.filter
def almaty_iso(value: datetime | None) -> str:
    """ISO 8601 with the Almaty offset, for <time datetime> and structured data."""
    return to_almaty(value).isoformat() if value else ""


class FragmentNode(template.Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, vary: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: Context) -> SafeString:
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        site = Site.find_for_request(request)
        vary: list[Any] = [site.pk if site else None]
        for expression in self.vary:
            value = expression.resolve(context)
            vary.append(getattr(value, "pk", value))
        html = fragment_get_or_set(
            str(self.name.resolve(context)),
            tuple(vary),
            lambda: str(self.nodelist.render(context)),
            request=request,
        )
        return mark_safe(html)  # noqa: S308 - the template's own rendering, escaped by it


@register.tag
def fragment(parser: Parser, token: Token) -> FragmentNode:
    """`{% fragment "name" page %}...{% endfragment %}`: rendered once per generation of the
    site's content (newsdesk.core.fragments), per site, language and the values given (a model
    instance counts by its pk). What is inside must not vary with anything else."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'fragment' needs a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
