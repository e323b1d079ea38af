"""Our live articles for partners as IPTC NewsML-G2 (issue 11, "NewsML-G2 out").

- `/<lang>/newsml/<id>.xml`: one `newsItem` per live article: a stable guid, a version that
  grows with each publication (the live revision's id), firstCreated (the publication time
  readers see), versionCreated, rightsInfo with the edition's copyright notice, language,
  subject (the section) and keywords (tags), headline, description (the lead), the body as
  XHTML in `inlineXML` and a link to the article's page.
- `/<lang>/newsml/`: a `packageItem` listing the edition's latest items (`itemRef`s with their
  headline, description and dates), as partners' G2 clients expect from a package feed.

Only live articles are items: an unpublished article's item is a 404, like its page. Both are
cached pages: each article change purges its edition's package and its item
(`newsml_purge_targets`, connected in signal_handlers.py).
Spec: https://iptc.org/std/NewsML-G2/guidelines/ (G2 2.x, namespace NAR below).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from lxml import etree
from lxml import html as lxml_html
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from newsdesk.articles.documents import ArticleDocument
from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.core.services import PurgeTarget
from newsdesk.editions.models import Edition

NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
G2_VERSION = "2.33"
CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"
NEWSITEM_TYPE = "application/vnd.iptc.g2.newsitem+xml"
PACKAGEITEM_TYPE = "application/vnd.iptc.g2.packageitem+xml"
XHTML_TAGS = {"p", "br", "b", "i", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "blockquote", "cite"}
# Characters XML 1.0 cannot carry (a pasted control character would make the document invalid).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _nar(name: str) -> str:
    return f"{{{NAR}}}{name}"


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _sub(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _nar(name), {key: _text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _datetime(moment: datetime | None) -> str:
    return (moment or timezone.now()).astimezone(UTC).isoformat()


def _absolute(url: str) -> str:
    return urljoin(settings.PUBLIC_BASE_URL.rstrip("/") + "/", url)


def _host() -> str:
    return urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"


def newsml_item_guid(article: ArticlePage) -> str:
    """Stable for the article's life: its id never changes, whatever the title, slug or section."""
    return f"urn:newsml:{_host()}:article:{article.pk}"


def newsml_item_url(article: ArticlePage) -> str:
    return _absolute(f"/{article.locale.language_code}/newsml/{article.pk}.xml")


def _version(article: ArticlePage) -> str:
    # Revision ids only grow, so each publication of a change gives a greater version.
    return str(article.live_revision_id or 1)


def _root(name: str, *, guid: str, version: str, language: str) -> etree._Element:
    root = etree.Element(
        _nar(name),
        {
            "guid": guid,
            "version": version,
            "standard": "NewsML-G2",
            "standardversion": G2_VERSION,
            "conformance": "power",
            XML_LANG: language,
        },
        nsmap={None: NAR},
    )
    _sub(root, "catalogRef", href=CATALOG)
    return root


def _rights(root: etree._Element, edition: Edition) -> None:
    rights = _sub(root, "rightsInfo")
    holder = _sub(rights, "copyrightHolder")
    _sub(holder, "name", edition.name)
    _sub(rights, "copyrightNotice", edition.copyright_notice)


def _body_html(article: ArticlePage) -> str:
    """The text of the body (paragraphs and quotes; images and embeds are left out), links
    absolute, nothing but the tags our own body allows."""
    parts: list[str] = []
    for block in article.body.raw_data:
        kind, value = block["type"], block["value"]
        if kind == "paragraph" and isinstance(value, str):
            parts.append(expand_db_html(value))
        elif kind == "quote" and isinstance(value, Mapping):
            quote = nh3.clean(str(value.get("quote", "")), tags=set())
            attribution = nh3.clean(str(value.get("attribution", "")), tags=set())
            parts.append(
                f"<blockquote><p>{quote}</p>" + (f"<cite>{attribution}</cite>" if attribution else "")
            )
            parts.append("</blockquote>")

    def absolute_links(element: str, attribute: str, value: str) -> str | None:
        return _absolute(value) if (element, attribute) == ("a", "href") else value

    return nh3.clean(
        "".join(parts),
        tags=XHTML_TAGS,
        attributes={"a": {"href"}},
        attribute_filter=absolute_links,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


def _xhtml_copy(source: etree._Element, parent: etree._Element) -> None:
    for node in source:
        if not isinstance(node.tag, str):
            continue
        copy = etree.SubElement(parent, f"{{{XHTML}}}{node.tag}")
        if node.tag == "a" and node.get("href"):
            copy.set("href", _text(node.get("href")))
        copy.text = _text(node.text)
        _xhtml_copy(node, copy)
        copy.tail = _text(node.tail)


def _xhtml(*, title: str, body_html: str) -> etree._Element:
    document = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML})
    head = etree.SubElement(document, f"{{{XHTML}}}head")
    etree.SubElement(head, f"{{{XHTML}}}title").text = _text(title)
    body = etree.SubElement(document, f"{{{XHTML}}}body")
    if body_html.strip():
        fragment = lxml_html.fragment_fromstring(body_html, create_parent="div")
        body.text = _text(fragment.text)
        _xhtml_copy(fragment, body)
    return document


def newsml_item_element(
    *, article: ArticlePage, edition: Edition, section_title: str, page_url: str
) -> etree._Element:
    language = edition.language_code
    root = _root("newsItem", guid=newsml_item_guid(article), version=_version(article), language=language)
    _rights(root, edition)
    meta = _sub(root, "itemMeta")
    _sub(meta, "itemClass", qcode="ninat:text")
    _sub(meta, "provider", literal=edition.name)
    _sub(meta, "versionCreated", _datetime(article.last_published_at or article.published_at))
    _sub(meta, "firstCreated", _datetime(article.published_at or article.first_published_at))
    _sub(meta, "pubStatus", qcode="stat:usable")
    _sub(meta, "link", rel="irel:seeAlso", contenttype="text/html", href=page_url)
    content = _sub(root, "contentMeta")
    _sub(content, "contentCreated", _datetime(article.published_at or article.first_published_at))
    if article.source is not None:
        source = _sub(content, "infoSource", role="cpprole:origsource", literal=article.source.name)
        _sub(source, "name", article.source.name)
    authors = [author.name for author in article.authors.all()]
    for name in authors:
        _sub(_sub(content, "creator"), "name", name)
    _sub(content, "language", tag=language)
    for tag in article.tags.all():
        _sub(content, "keyword", tag.name)
    if section_title:
        subject = _sub(content, "subject", type="cpnat:abstract", literal=section_title)
        _sub(subject, "name", section_title)
    _sub(content, "headline", article.title)
    if authors:
        _sub(content, "by", ", ".join(authors))
    if article.lead:
        _sub(content, "description", article.lead, role="drol:summary")
    inline = _sub(_sub(root, "contentSet"), "inlineXML", contenttype="application/xhtml+xml")
    inline.append(_xhtml(title=article.title, body_html=_body_html(article)))
    return root


def _document(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _section_title(article: ArticlePage, titles: Mapping[str, str] | None = None) -> str:
    parent_path = article.path[: -Page.steplen]
    if titles is not None:
        return titles.get(parent_path, "")
    return SectionPage.objects.filter(path=parent_path).values_list("title", flat=True).first() or ""


def newsml_item_article(*, edition: Edition, article_id: int) -> ArticlePage | None:
    """The live article of this edition with this id, or None (unpublished, elsewhere, gone)."""
    return (
        ArticlePage.objects.published()
        .in_edition(edition.locale)
        .filter(pk=article_id)
        .select_related("locale", "source")
        .prefetch_related("authors", "tags")
        .first()
    )


def newsml_item_document(*, article: ArticlePage, edition: Edition) -> bytes:
    page_url = _absolute(article.get_url() or "")
    return _document(
        newsml_item_element(
            article=article, edition=edition, section_title=_section_title(article), page_url=page_url
        )
    )


def _package_articles(edition: Edition, limit: int) -> list[ArticlePage]:
    return list(
        ArticlePage.objects.published()
        .in_edition(edition.locale)
        .select_related("locale")
        .defer("body")
        .latest()[:limit]
    )


def newsml_package_document(*, edition: Edition, limit: int) -> bytes:
    """The edition's latest live items as one packageItem (itemRefs to their newsItems)."""
    articles = _package_articles(edition, limit)
    language = edition.language_code
    version = max((article.live_revision_id or 1 for article in articles), default=1)
    root = _root(
        "packageItem",
        guid=f"urn:newsml:{_host()}:package:{language}",
        version=str(version),
        language=language,
    )
    _rights(root, edition)
    meta = _sub(root, "itemMeta")
    _sub(meta, "itemClass", qcode="ninat:composite")
    _sub(meta, "provider", literal=edition.name)
    newest = max(
        (moment for article in articles if (moment := article.last_published_at or article.published_at)),
        default=None,
    )
    _sub(meta, "versionCreated", _datetime(newest))
    _sub(meta, "pubStatus", qcode="stat:usable")
    _sub(meta, "title", edition.name)
    _sub(meta, "link", rel="irel:seeAlso", contenttype="text/html", href=_absolute(f"/{language}/"))
    group_set = _sub(root, "groupSet", root="G1")
    group = _sub(group_set, "group", id="G1", role="group:main")
    for article in articles:
        _item_ref(group, article)
    return _document(root)


def _item_ref(group: etree._Element, article: ArticlePage) -> None:
    ref = _sub(
        group,
        "itemRef",
        residref=newsml_item_guid(article),
        version=_version(article),
        contenttype=NEWSITEM_TYPE,
        href=newsml_item_url(article),
    )
    _sub(ref, "itemClass", qcode="ninat:text")
    _sub(ref, "versionCreated", _datetime(article.last_published_at or article.published_at))
    _sub(ref, "firstCreated", _datetime(article.published_at or article.first_published_at))
    _sub(ref, "pubStatus", qcode="stat:usable")
    _sub(ref, "link", rel="irel:seeAlso", contenttype="text/html", href=_absolute(article.get_url() or ""))
    _sub(ref, "headline", article.title)
    if article.lead:
        _sub(ref, "description", article.lead, role="drol:summary")


def newsml_purge_targets(*, article_id: int, document: ArticleDocument | None) -> list[PurgeTarget]:
    """What shows the article in NewsML: its edition's package and its item; for a withdrawn
    article (no document) every edition's (the page cache is emptied anyway; this is for
    proxies in front)."""
    codes = [document.language] if document is not None else [code for code, _name in settings.LANGUAGES]
    targets = []
    for code in codes:
        with translation.override(code):
            targets.append(PurgeTarget(reverse("wires-newsml-package")))
            targets.append(PurgeTarget(reverse("wires-newsml-item", kwargs={"article_id": article_id})))
    return targets
