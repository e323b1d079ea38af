"""IPTC NewsML-G2 (2.x, namespace http://iptc.org/std/nar/2006-10-01/) through a hardened lxml.

The parser never loads a DTD, resolves no entity and touches no network; a document that
declares entities at all is refused (PITFALLS 7: billion laughs and XXE never expand).
Elements are matched by local name, so a partner's namespace slip still parses.

- `newsItem`: one item (text items; pictures, video, audio and withdrawn items are skipped
  with a problem line);
- `newsMessage`: every item of its `itemSet`;
- `packageItem`: one `ItemRef` per `itemRef` (its `href`, else a `residref` that is a URL, made
  absolute against the package's URL), carrying the metadata the reference has (headline,
  description, dates) but no body: a package points at items, it does not hold them, and the
  ingest fetches each one (`wires.packages`);
- `knowledgeItem`: no news, no items.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from copy import deepcopy
from datetime import datetime

from lxml import etree

from newsdesk.wires.cleaning import body_clean, text_clean
from newsdesk.wires.items import WireImage, WireItem

from . import SNIFF_BYTES, ItemRef, ParsedFeed, ParseError, prolog_doctype
from .common import (
    absolute_http_url,
    encoding_repair,
    guid_fallback,
    image_make,
    images_unique,
    iso_datetime,
    language_normalise,
    lead_from,
    one_line,
    references_repair,
    subjects_unique,
    title_from,
)

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NON_TEXT_CLASSES = ("picture", "graphic", "video", "audio", "animated")
WITHDRAWN_STATUSES = ("canceled", "cancelled", "withheld")


def _parser(*, recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


def _refuse_entity_declarations(tree: etree._ElementTree) -> None:
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ParseError("refused: the XML declares entities (no DTD entities are expanded)")


def xml_parse(body: bytes) -> tuple[etree._Element, list[str]]:
    """The root element, and a problem line when the XML had to be repaired."""
    doctype = prolog_doctype(body[:SNIFF_BYTES])
    if doctype is not None and b"<!ENTITY" in body[doctype[0] : doctype[1]].upper():
        raise ParseError("refused: the XML declares entities (no DTD entities are expanded)")
    try:
        tree = etree.ElementTree(etree.fromstring(body, _parser(recover=False)))
        _refuse_entity_declarations(tree)
        return tree.getroot(), []
    except etree.XMLSyntaxError as strict_error:
        first_error = one_line(strict_error)
    except ValueError as error:
        raise ParseError(f"not readable XML: {one_line(error)}") from None
    for attempt in (references_repair(body), body):
        try:
            root = etree.fromstring(attempt, _parser(recover=True))
        except (etree.XMLSyntaxError, ValueError):
            continue
        if root is not None:
            _refuse_entity_declarations(etree.ElementTree(root))
            return root, [] if attempt is not body else [f"malformed XML, repaired: {first_error}"]
    raise ParseError(f"malformed XML: {first_error}")


# --- Element helpers: by local name, any namespace --------------------------------------------


def local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(element: etree._Element | None, name: str) -> Iterator[etree._Element]:
    if element is None:
        return
    for child in element:
        if local(child) == name:
            yield child


def child(element: etree._Element | None, name: str) -> etree._Element | None:
    return next(children(element, name), None)


def text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return text_clean(" ".join(element.itertext()))


def _qcode(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return (element.get("qcode") or element.get("uri") or "").lower()


def _datetime_of(*elements: etree._Element | None) -> datetime | None:
    for element in elements:
        moment = iso_datetime(text_of(element))
        if moment is not None:
            return moment
    return None


# --- Items --------------------------------------------------------------------------------------


def _preferred(elements: list[etree._Element], roles: tuple[str, ...]) -> etree._Element | None:
    for element in elements:
        if (element.get("role") or "").lower() in roles:
            return element
    return elements[0] if elements else None


def _inline_html(container: etree._Element) -> str:
    """The HTML of an inlineXML body: its (X)HTML `body`, namespaces dropped."""
    copy = deepcopy(container)
    body = next((element for element in copy.iter() if local(element) == "body"), copy)
    for element in body.iter():
        name = local(element)
        if name:
            element.tag = name
            for attribute in list(element.attrib):
                if attribute != "href":
                    del element.attrib[attribute]
    etree.cleanup_namespaces(body)
    parts = [html.escape(body.text or "", quote=False)]
    for element in body:
        if isinstance(element.tag, str):
            parts.append(etree.tostring(element, method="html", encoding="unicode", with_tail=False))
        parts.append(html.escape(element.tail or "", quote=False))
    return "".join(parts)


def _body_source(content_set: etree._Element | None) -> str:
    inline_xml = list(children(content_set, "inlineXML"))
    if inline_xml:
        preferred = next(
            (item for item in inline_xml if "html" in (item.get("contenttype") or "").lower()), inline_xml[0]
        )
        return _inline_html(preferred)
    for inline_data in children(content_set, "inlineData"):
        text = inline_data.text or ""
        if "html" in (inline_data.get("contenttype") or "").lower():
            return text
        paragraphs = [" ".join(part.split()) for part in text.replace("\r\n", "\n").split("\n\n")]
        return "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs if part)
    return ""


def _images(
    item_meta: etree._Element | None,
    content_meta: etree._Element | None,
    content_set: etree._Element | None,
    base_url: str,
) -> tuple[WireImage, ...]:
    found: list[WireImage | None] = []
    for link in children(item_meta, "link"):
        mime = (link.get("contenttype") or "").lower()
        if mime.startswith("image/"):
            found.append(
                image_make(
                    link.get("href"), base_url=base_url, mime_type=mime, caption=text_of(child(link, "title"))
                )
            )
    for remote in children(content_set, "remoteContent"):
        mime = (remote.get("contenttype") or "").lower()
        if mime.startswith("image/"):
            found.append(image_make(remote.get("href"), base_url=base_url, mime_type=mime))
    for icon in children(content_meta, "icon"):
        found.append(image_make(icon.get("href"), base_url=base_url, mime_type=icon.get("contenttype") or ""))
    return images_unique(found)


def _web_link(item_meta: etree._Element | None, base_url: str) -> str:
    for link in children(item_meta, "link"):
        mime = (link.get("contenttype") or "text/html").lower()
        if "html" in mime:
            url = absolute_http_url(link.get("href"), base_url)
            if url:
                return url
    return ""


def _subjects(content_meta: etree._Element | None, language: str) -> tuple[str, ...]:
    names: list[str] = []
    for subject in children(content_meta, "subject"):
        labels = list(children(subject, "name"))
        label = next((n for n in labels if language_normalise(n.get(XML_LANG)) == language), None)
        label = label if label is not None else (labels[0] if labels else None)
        names.append(text_of(label) if label is not None else (subject.get("literal") or ""))
    return subjects_unique(names)


def news_item(element: etree._Element, *, base_url: str) -> tuple[WireItem | None, str]:
    """(item, "") or (None, why it was skipped)."""
    item_meta, content_meta = child(element, "itemMeta"), child(element, "contentMeta")
    content_set = child(element, "contentSet")
    guid = element.get("guid") or ""
    status = _qcode(child(item_meta, "pubStatus"))
    if status.endswith(WITHDRAWN_STATUSES):
        return None, f"{guid or 'item'}: withdrawn ({status})"
    item_class = _qcode(child(item_meta, "itemClass"))
    body_source = _body_source(content_set)
    if item_class.endswith(NON_TEXT_CLASSES) and not body_source:
        return None, f"{guid or 'item'}: not a text item ({item_class})"
    language_element = child(content_meta, "language")
    language = language_normalise(
        (language_element.get("tag") if language_element is not None else None) or element.get(XML_LANG)
    )
    url = _web_link(item_meta, base_url)
    headline = text_of(_preferred(list(children(content_meta, "headline")), ("", "hld:main")))
    description = text_of(_preferred(list(children(content_meta, "description")), ("drol:summary",)))
    title = title_from(headline or text_of(child(item_meta, "title")), description, body_source)
    if not title:
        return None, f"{guid or 'item'}: no headline and no text"
    published_at = _datetime_of(
        child(item_meta, "firstCreated"),
        child(content_meta, "contentCreated"),
        child(item_meta, "versionCreated"),
    )
    byline = text_of(child(content_meta, "by")) or text_of(child(child(content_meta, "creator"), "name"))
    return (
        WireItem(
            guid=guid_fallback(guid=guid, url=url, title=title, published_at=published_at),
            title=title,
            url=url,
            published_at=published_at,
            lead=lead_from(description),
            body_html=body_clean(body_source, base_url=url or base_url),
            language=language,
            byline=byline[:200],
            subjects=_subjects(content_meta, language),
            images=_images(item_meta, content_meta, content_set, url or base_url),
        ),
        "",
    )


def package_refs(element: etree._Element, *, base_url: str) -> tuple[list[ItemRef], list[str]]:
    """The items a packageItem points at, with what each itemRef says about its item."""
    language = language_normalise(element.get(XML_LANG))
    items: list[ItemRef] = []
    problems: list[str] = []
    for ref in (node for node in element.iter() if local(node) == "itemRef"):
        guid = ref.get("residref") or ""
        status = _qcode(child(ref, "pubStatus"))
        if status.endswith(WITHDRAWN_STATUSES):
            problems.append(f"{guid or 'itemRef'}: withdrawn ({status})")
            continue
        href = absolute_http_url(ref.get("href"), base_url) or absolute_http_url(guid)
        description = text_of(child(ref, "description"))
        # The headline is the fetched item's; the reference's is only for the tally's lines.
        title = title_from(text_of(child(ref, "headline")) or text_of(child(ref, "title")), description)
        title = title or " ".join((guid or href).split())[:255]
        if not title:
            problems.append("itemRef: no residref and no href")
            continue
        url = _web_link(ref, base_url)
        published_at = _datetime_of(child(ref, "firstCreated"), child(ref, "versionCreated"))
        item = WireItem(
            guid=guid_fallback(guid=guid, url=url, title=title, published_at=published_at),
            title=title,
            url=url,
            published_at=published_at,
            lead=lead_from(description),
            language=language_normalise(ref.get(XML_LANG)) or language,
        )
        items.append(ItemRef(item=item, href=href))
    return items, problems


def parse_newsml(body: bytes, *, base_url: str, content_type: str = "") -> ParsedFeed:
    body, _content_type = encoding_repair(body, content_type)
    root, repaired = xml_parse(body)
    problems = list(repaired)
    kind = local(root)
    if kind == "newsMessage":
        candidates = [node for item_set in children(root, "itemSet") for node in item_set if local(node)]
    elif kind in ("newsItem", "packageItem", "knowledgeItem", "conceptItem", "planningItem"):
        candidates = [root]
    else:
        raise ParseError(f"not a NewsML-G2 document (root element {kind or 'unknown'!r})")
    items: list[WireItem] = []
    refs: list[ItemRef] = []
    title = ""
    for index, node in enumerate(candidates, start=1):
        name = local(node)
        try:
            if name == "newsItem":
                item, problem = news_item(node, base_url=base_url)
                if item is not None:
                    items.append(item)
                else:
                    problems.append(problem)
            elif name == "packageItem":
                title = title or text_of(child(child(node, "itemMeta"), "title"))
                package, ref_problems = package_refs(node, base_url=base_url)
                refs.extend(package)
                problems.extend(ref_problems)
            else:
                problems.append(f"item {index}: a {name}, not news")
        except Exception as error:  # one bad item never stops the others
            problems.append(f"item {index}: {one_line(error)}")
    if repaired and not items and not refs:
        # Like feedparser's bozo rule: a broken document that yields nothing is unreadable.
        raise ParseError(repaired[0].replace("malformed XML, repaired:", "malformed XML:"))
    return ParsedFeed(format="newsml", title=title, items=items, problems=problems, refs=refs)
