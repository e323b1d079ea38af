"""An article's readable text: the one extractor that search, relevant news, the corrections
inbox and meta descriptions read (issue 15, part 2).

It works on a StreamField's raw data (a live page's or a revision's), so it never loads images
or other chosen objects. The block definitions decide what is text, as in Wagtail's own
`get_searchable_content` (a block with `search_index=False` gives nothing; images and embeds
give nothing); rich text is split into its block elements (paragraphs, headings, list items),
because the corrections inbox finds a reader's selection paragraph by paragraph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html.parser import HTMLParser

from wagtail import blocks

# Elements that start a new piece of text; inline markup (b, i, a, span) stays inside one.
BLOCK_ELEMENTS = frozenset(
    {
        "address",
        "blockquote",
        "dd",
        "div",
        "dt",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ol",
        "p",
        "pre",
        "td",
        "th",
        "ul",
    }
)


class _BlockTextParser(HTMLParser):
    """Text of an HTML fragment, one string per innermost run between block boundaries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._current: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.pieces.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_ELEMENTS:
            self._flush()
        elif tag == "br":
            self._current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_ELEMENTS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def rich_text_blocks(html: str) -> list[str]:
    """The visible text of a rich-text fragment, one string per paragraph-like element,
    entities decoded and white space collapsed: `<p>A &amp; B</p><ul><li>C</li></ul>` ->
    `["A & B", "C"]`."""
    parser = _BlockTextParser()
    parser.feed(html)
    parser.close()
    return parser.pieces


def block_text(block: blocks.Block, raw: object) -> list[str]:
    """The text of one block's raw value, in reading order."""
    if not getattr(block, "search_index", True) or raw is None:
        return []
    if isinstance(block, blocks.RichTextBlock):
        return rich_text_blocks(raw) if isinstance(raw, str) else []
    if isinstance(block, blocks.StreamBlock):
        return stream_text_blocks(block, raw)
    if isinstance(block, blocks.StructBlock):
        if not isinstance(raw, Mapping):
            return []
        return [
            text for name, child in block.child_blocks.items() for text in block_text(child, raw.get(name))
        ]
    if isinstance(block, blocks.ListBlock):
        if not isinstance(raw, Iterable) or isinstance(raw, str | bytes):
            return []
        items = (item["value"] if isinstance(item, Mapping) and "value" in item else item for item in raw)
        return [text for item in items for text in block_text(block.child_block, item)]
    if isinstance(raw, str):
        # Plain fields (CharBlock, TextBlock...) answer through Wagtail's own method; a URL
        # (EmbedBlock) answers nothing. Non-string raw values are ids of chosen objects.
        return [" ".join(text.split()) for text in block.get_searchable_content(raw) if text.strip()]
    return []


def stream_text_blocks(stream_block: blocks.StreamBlock, raw: object) -> list[str]:
    """The text of a StreamField's raw data (`page.body.raw_data` or a revision's
    `content["body"]`), one string per paragraph-like element."""
    if not isinstance(raw, Iterable) or isinstance(raw, str | bytes | Mapping):
        return []
    texts: list[str] = []
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        child = stream_block.child_blocks.get(str(item.get("type")))
        if child is not None:
            texts.extend(block_text(child, item.get("value")))
    return texts
