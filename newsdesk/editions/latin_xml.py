"""A Kazakh RSS or Atom feed in the 2021 Latin alphabet (issue 13, docs/kazakh-latin.md).

Titles, descriptions, categories and authors change; item links and the feed's own links move
to the Latin pages; GUIDs and Atom ids stay, so an aggregator knows the story it already has;
HTML carried in descriptions and content goes through the page rewriter (its markup, code and
marked spans keep their rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape, unescape

from .latin_html import html_to_latin, is_kazakh_language, text_to_latin
from .scripts import LATIN_LANGUAGE_TAG, latin_url

_TOKEN = re.compile(
    r"""<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<![^>]*>|</([\w:.-]+)\s*>"""
    r"""|<([\w:.-]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(/?)>""",
    re.DOTALL,
)
_LINK_ATTRIBUTE = re.compile(r"""(\shref\s*=\s*)(["'])([^"']*)\2""")
_LANGUAGE_ATTRIBUTE = re.compile(r"""(\sxml:lang\s*=\s*)(["'])([^"']*)\2""")
# Text that names the story, not words: never changes.
IDENTIFIERS = frozenset({"guid", "id", "atom:id", "dc:identifier", "docs", "generator"})
LINKS = frozenset({"link", "comments", "wfw:commentrss"})
HTML_CARRIERS = frozenset({"description", "content:encoded", "summary", "content"})
LANGUAGES = frozenset({"language", "dc:language"})


def feed_to_latin(xml: str, *, origins: Iterable[str] = ()) -> str:
    origins = tuple(origins)
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for token in _TOKEN.finditer(xml):
        if token.start() > pos:
            out.append(_text(xml[pos : token.start()], stack[-1] if stack else "", origins))
        end_name, start_name, attributes, self_closing = token.groups()
        if start_name is not None:
            tag = _LANGUAGE_ATTRIBUTE.sub(_latin_language, token.group())
            out.append(
                _LINK_ATTRIBUTE.sub(
                    lambda m: m.group(1) + m.group(2) + latin_url(m.group(3)) + m.group(2), tag
                )
            )
            if not self_closing:
                stack.append(start_name.lower())
        else:
            if end_name is not None and stack:
                stack.pop()
            out.append(token.group())
        pos = token.end()
    out.append(xml[pos:])
    return "".join(out)


def _latin_language(match: re.Match[str]) -> str:
    value = LATIN_LANGUAGE_TAG if is_kazakh_language(match.group(3)) else match.group(3)
    return match.group(1) + match.group(2) + value + match.group(2)


def _text(text: str, element: str, origins: tuple[str, ...]) -> str:
    if element in IDENTIFIERS:
        return text
    if element in LINKS:
        return latin_url(text.strip()) if text.strip() else text
    if element in LANGUAGES:
        return LATIN_LANGUAGE_TAG if is_kazakh_language(text) else text
    if element in HTML_CARRIERS:
        return escape(html_to_latin(unescape(text), origins=origins), quote=False)
    return text_to_latin(text)
