"""`{% photo_guard %}`: a photo whose file is missing or cannot be decoded leaves the page
without that photo, never a 500 for a reader (issue 14).

Wagtail's image tags already answer a missing file with a "not-found" rendition (an `<img>`
with a broken address and no size); a file that is there but corrupt raises while the
rendition is made. The guard drops its whole block (the `<figure>` and its caption) in both
cases and logs the reason; the newsroom is told at upload (articles.forms.ImageForm).
"""

from __future__ import annotations

import logging
import re

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context

from newsdesk.articles.photos import IMAGE_ERRORS

register = template.Library()
logger = logging.getLogger(__name__)

# The address Wagtail gives a rendition whose source file is missing (wagtail.images.shortcuts).
NOT_FOUND = re.compile(r"""[/"']not-found(?=["'\s,])""")


class PhotoGuardNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        try:
            html = self.nodelist.render(context)
        except IMAGE_ERRORS as exc:
            logger.warning("a photo was left out of %s: %s", _where(context), exc)
            return ""
        if NOT_FOUND.search(html):
            logger.warning("a photo was left out of %s: its file is missing", _where(context))
            return ""
        return html


def _where(context: Context) -> str:
    request = context.get("request")
    return getattr(request, "path", "a page")


@register.tag
def photo_guard(parser: Parser, token: Token) -> PhotoGuardNode:
    nodelist = parser.parse(("endphoto_guard",))
    parser.delete_first_token()
    return PhotoGuardNode(nodelist)
