"""Cleaning partner HTML to exactly what our article body allows (issue 11, "Drafts").

Three steps, each with one job (docs/wires-fetch.md):

1. `nh3` (ammonia, an HTML5 parser) drops everything dangerous: `script`, `style`, `iframe`,
   `object`, `embed`, `svg`, forms' controls... with their content, every attribute but `href`,
   every URL scheme but http, https and mailto, comments. Its tree builder also repairs nesting.
2. Our pass over that tree maps it onto the body's rich-text features (bold, italic, link, ol,
   ul, h2, h3, plus paragraphs and line breaks): `strong`/`em` become `b`/`i` as the editor
   writes them, `h1` is `h2` and `h4`-`h6` are `h3`, containers (`div`, tables, quotes...)
   become paragraphs, loose text is wrapped in `p`, links are made absolute against the item's
   URL (and dropped when they cannot be), whitespace is folded, empty blocks go.
3. Wagtail's own converter for database-format rich text (`DbHTMLConverter`) with the body's
   feature list, so the result is what the editor would have saved.

`rel="nofollow noopener"` is not stored (Wagtail's format has no `rel`); it is added when rich
text is rendered, by our handler for external links (`newsdesk.wires.rich_text`).
"""

from __future__ import annotations

import html
import re
from functools import cache
from urllib.parse import urljoin, urlsplit

import nh3
from bs4 import BeautifulSoup, NavigableString, Tag
from wagtail.admin.rich_text.converters.db_html import DbHTMLConverter

from newsdesk.articles.blocks import ArticleBodyBlock

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}
INLINE_KEPT = {"b": "b", "strong": "b", "i": "i", "em": "i"}
# Phrasing elements whose text stays and whose tag goes (our body has no underline, code...).
INLINE_UNWRAPPED = frozenset(
    {"span", "u", "sub", "sup", "small", "big", "font", "abbr", "cite", "q", "code", "mark"}
    | {"s", "strike", "del", "ins", "time", "tt", "kbd", "var", "samp", "dfn", "bdi", "bdo"}
)
PHRASING = frozenset(INLINE_KEPT) | INLINE_UNWRAPPED | {"a", "br"}
LISTS = frozenset({"ul", "ol"})
# Block containers: what is inside becomes paragraphs of its own.
CONTAINERS = frozenset(
    {"div", "blockquote", "pre", "section", "article", "figure", "figcaption", "table", "thead"}
    | {"tbody", "tfoot", "tr", "td", "th", "caption", "dl", "dt", "dd", "address", "header"}
    | {"footer", "main", "aside", "center", "li", "hr", "details", "summary", "nav"}
)
# What nh3 keeps (as tags) for our pass to map; everything else is unwrapped by nh3.
NH3_TAGS = {"p", "br", "a"} | set(HEADINGS) | set(INLINE_KEPT) | INLINE_UNWRAPPED | LISTS | CONTAINERS
# Dropped with everything inside: code, styles, embedded objects, and the fallback text of media.
NH3_DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "applet", "noscript", "noembed", "noframes"}
    | {"frame", "frameset", "template", "svg", "math", "textarea", "select", "option", "button"}
    | {"title", "head", "xmp", "plaintext", "video", "audio", "canvas", "map", "picture"}
)
TEXT_BLOCK_TAGS = {"p", "br", "div", "li", "tr", "td", "th", "dt", "dd", "blockquote"} | set(HEADINGS)
# Deeper nesting is read as text: partners' HTML is not that deep, a hostile one would exhaust
# the recursion of every tree walker (ours and Wagtail's).
MAX_DEPTH = 40
# nh3 (html5ever) takes time growing with the square of the nesting: 100,000 nested <div>s
# (600 KB) took 97 s to clean, 20,000 took 1.9 s. A news text has a few hundred tags; an item
# with more than this many is refused (a problem line for that item; the others go on).
MAX_TAGS = 10_000
# Parsing is linear but not cheap (1 MB of entity references: about 6 s through html.parser and
# Wagtail's converter); a news text is a few tens of kilobytes.
MAX_CHARS = 1_000_000
MAX_LIST_LEVELS = 4  # Draftail's lists go four levels deep
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_TAG = re.compile(r"<[^>]*>")


@cache
def body_features() -> tuple[str, ...]:
    """The rich-text features of the article body's paragraph block (articles/blocks.py)."""
    return tuple(ArticleBodyBlock().child_blocks["paragraph"].features)


@cache
def _converter() -> DbHTMLConverter:
    return DbHTMLConverter(features=list(body_features()))


class MarkupTooLarge(ValueError):
    """More markup than any news text has; str(e) is the one-line reason."""


def _tags_bounded(markup: str) -> str:
    # A count of "<", not a parse: it bounds the cost before any parser runs, and decides nothing
    # about safety (an escaped "<" in text counts too, which only makes the cap stricter).
    if len(markup) > MAX_CHARS:
        raise MarkupTooLarge(f"too long: more than {MAX_CHARS:,} characters in one text")
    if markup.count("<") > MAX_TAGS:
        raise MarkupTooLarge(f"too much markup: more than {MAX_TAGS:,} tags in one text")
    return markup


def _nh3(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=NH3_TAGS,
        clean_content_tags=set(NH3_DROPPED_WITH_CONTENT),
        attributes={"a": {"href"}},
        url_schemes=set(LINK_SCHEMES),
        strip_comments=True,
        link_rel=None,
    )


def _fold(text: str) -> str:
    return _WHITESPACE.sub(" ", _CONTROL.sub("", text))


class _Flattener:
    """nh3's tree to a list of blocks: ("p" | "h2" | "h3", inline HTML) or ("ul" | "ol", items)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.blocks: list[str] = []
        self._inline: list[str] = []

    # Links -----------------------------------------------------------------------------
    def _href(self, raw: str | None) -> str:
        href = (raw or "").strip()
        if not href or href.startswith("#"):
            return ""
        if self.base_url:
            try:
                href = urljoin(self.base_url, href)
            except ValueError:
                return ""
        try:
            parts = urlsplit(href)
        except ValueError:
            return ""
        if parts.scheme.lower() not in LINK_SCHEMES:
            return ""
        if parts.scheme.lower() != "mailto" and not parts.netloc:
            return ""
        return href.replace(" ", "%20")

    # Inline content ----------------------------------------------------------------------
    def inline(self, node: Tag, depth: int = 0, open_tags: frozenset[str] = frozenset()) -> str:
        return "".join(self._inline_node(child, depth + 1, open_tags) for child in node.children)

    def _inline_node(self, node: object, depth: int = 0, open_tags: frozenset[str] = frozenset()) -> str:
        if isinstance(node, NavigableString):
            return html.escape(_fold(str(node)), quote=False)
        if not isinstance(node, Tag):
            return ""
        name = node.name
        if name == "br":
            return "<br/>"
        if depth > MAX_DEPTH:
            return _text_of(node)
        tag = INLINE_KEPT.get(name, name)
        inner = self.inline(node, depth, open_tags | {tag})
        if tag in open_tags:  # <b> inside <b>, a link inside a link: once is enough
            return inner
        if name in INLINE_KEPT:
            return f"<{tag}>{inner}</{tag}>" if inner.strip() else inner
        if name == "a":
            raw = node.get("href")
            href = self._href(raw if isinstance(raw, str) else "")
            if href and inner.strip():
                return f'<a href="{html.escape(href)}">{inner}</a>'
            return inner
        if name in INLINE_UNWRAPPED:
            return inner
        # A block inside phrasing content (e.g. <b><p>..</p></b>): its text, set apart.
        return f" {inner} "

    # Blocks ------------------------------------------------------------------------------
    def _flush(self) -> None:
        self._block("p", "".join(self._inline))
        self._inline = []

    def _block(self, tag: str, inner: str) -> None:
        inner = inner.strip()
        while inner.startswith("<br/>") or inner.endswith("<br/>"):
            inner = inner.removeprefix("<br/>").removesuffix("<br/>").strip()
        if _TAG.sub("", inner).strip():
            self.blocks.append(f"<{tag}>{inner}</{tag}>")

    def _list(self, node: Tag, level: int = 1) -> str:
        items: list[str] = []
        loose: list[str] = []

        def flush_loose() -> None:
            text = "".join(loose).strip()
            if _TAG.sub("", text).strip():
                items.append(f"<li>{text}</li>")
            loose.clear()

        def nested_list(element: Tag) -> str:
            # Deeper than the editor's lists go: the rest is text of this item.
            return self._list(element, level + 1) if level < MAX_LIST_LEVELS else _text_of(element)

        for child in node.children:
            if isinstance(child, Tag) and child.name == "li":
                flush_loose()
                parts: list[str] = []
                nested: list[str] = []
                for grandchild in child.children:
                    if isinstance(grandchild, Tag) and grandchild.name in LISTS:
                        (nested if level < MAX_LIST_LEVELS else parts).append(nested_list(grandchild))
                    else:
                        parts.append(self._inline_node(grandchild))
                text = "".join(parts).strip()
                if _TAG.sub("", text).strip() or any(nested):
                    items.append(f"<li>{text}{''.join(nested)}</li>")
            elif isinstance(child, Tag) and child.name in LISTS:
                flush_loose()
                nested_html = nested_list(child)
                if nested_html:
                    items.append(f"<li>{nested_html}</li>")
            else:
                loose.append(self._inline_node(child))
        flush_loose()
        return f"<{node.name}>{''.join(items)}</{node.name}>" if items else ""

    def walk(self, node: Tag, depth: int = 0) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                self._inline.append(self._inline_node(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if depth > MAX_DEPTH:
                self._inline.append(_text_of(child))
            elif name in PHRASING:
                if child.find(lambda tag: tag.name not in PHRASING):
                    self._flush()
                    self.walk(child, depth + 1)
                    self._flush()
                else:
                    self._inline.append(self._inline_node(child))
            elif name == "p":
                self._flush()
                self._block("p", self.inline(child))
            elif name in HEADINGS:
                self._flush()
                self._block(HEADINGS[name], self.inline(child))
            elif name in LISTS:
                self._flush()
                listed = self._list(child)
                if listed:
                    self.blocks.append(listed)
            else:
                self._flush()
                self.walk(child, depth + 1)
                self._flush()
        self._flush()


def _text_of(node: Tag) -> str:
    """The escaped text of a subtree (bs4 walks it without recursion)."""
    return " " + html.escape(_fold(node.get_text(" ")), quote=False) + " "


def body_clean(html_text: str, *, base_url: str = "") -> str:
    """nh3 allow-list, then Wagtail's rich-text conversion (the DB format of a RichTextBlock).

    Relative links are made absolute against `base_url` (the item's URL); without one they are
    dropped, keeping their text.
    """
    if not html_text or not html_text.strip():
        return ""
    safe = _nh3(_CONTROL.sub("", _tags_bounded(html_text)))
    flattener = _Flattener(base_url)
    flattener.walk(BeautifulSoup(safe, "html.parser"))
    cleaned, _removals = _converter().clean("".join(flattener.blocks))
    return str(cleaned)


def text_clean(text: str) -> str:
    """Plain text from any HTML/entities, whitespace folded."""
    if not text:
        return ""
    stripped = nh3.clean(
        _CONTROL.sub("", _tags_bounded(text)),
        tags=TEXT_BLOCK_TAGS,
        clean_content_tags={"script", "style"},
        attributes={},
        strip_comments=True,
        link_rel=None,
    )
    # nh3 escaped every "<" of the text, so what looks like a tag here is one of TEXT_BLOCK_TAGS.
    return _fold(html.unescape(_TAG.sub(" ", stripped))).strip()
