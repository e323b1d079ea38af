"""NewsML-G2 for partners (issue 11): the edition's package and one item per live article.

Served like the feeds: public, through the page cache (purged on every publish and unpublish),
with an ETag; a reason in plain text when there is nothing to serve.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils import translation
from django.utils.cache import set_response_etag

from newsdesk.editions.models import Edition
from newsdesk.editions.selectors import edition_get

from .newsml_out import (
    NEWSITEM_TYPE,
    PACKAGEITEM_TYPE,
    newsml_item_article,
    newsml_item_document,
    newsml_package_document,
)

UNKNOWN_EDITION = "No such edition."
UNKNOWN_ITEM = "No such item: it was never published here, or it has been withdrawn."


def _edition() -> Edition | None:
    return edition_get(language_code=translation.get_language() or "")


def _not_found(reason: str) -> HttpResponse:
    return HttpResponseNotFound(reason, content_type="text/plain; charset=utf-8")


def _xml(document: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(document, content_type=f"{content_type}; charset=utf-8")
    set_response_etag(response)
    return response


def newsml_package(request: HttpRequest) -> HttpResponse:
    edition = _edition()
    if edition is None:
        return _not_found(UNKNOWN_EDITION)
    document = newsml_package_document(edition=edition, limit=settings.WIRES_NEWSML_PACKAGE_ITEMS)
    return _xml(document, PACKAGEITEM_TYPE)


def newsml_item(request: HttpRequest, article_id: int) -> HttpResponse:
    edition = _edition()
    if edition is None:
        return _not_found(UNKNOWN_EDITION)
    article = newsml_item_article(edition=edition, article_id=article_id)
    if article is None:
        return _not_found(UNKNOWN_ITEM)
    return _xml(newsml_item_document(article=article, edition=edition), NEWSITEM_TYPE)
