"""Splitting text into normalised word tokens, the same way for every language."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping

# Letters (any script) and digits; an inner hyphen or apostrophe splits words, so that
# "Нұр-Сұлтан" and "Nur-Sultan" give the same two tokens in every edition.
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
TAG_RE = re.compile(r"<[^>]*>")

# Latin look-alikes that slip into Cyrillic text typed on a mixed keyboard.
_CYRILLIC_LOOKALIKES = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у"})
_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
_LATIN_RE = re.compile(r"[a-z]")


def html_to_text(markup: str) -> str:
    """Visible text of a rich-text fragment (tags dropped, entities decoded).

    A regex is enough here because the result is only analysed, never shown as HTML.
    """
    return html.unescape(TAG_RE.sub(" ", markup))


def normalise_word(word: str) -> str:
    word = unicodedata.normalize("NFC", word.lower()).replace("ё", "е")
    if _CYRILLIC_RE.search(word) and _LATIN_RE.search(word):
        word = word.translate(_CYRILLIC_LOOKALIKES)
    return word


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised word) for each word of `text`, for highlighting."""
    return [(m.start(), m.end(), normalise_word(m.group())) for m in WORD_RE.finditer(text)]


def words(text: str) -> list[str]:
    return [normalise_word(w) for w in WORD_RE.findall(text)]


def stream_plain_text(raw_blocks: object) -> str:
    """Readable text of a StreamField's raw data: rich text and plain strings, block by block.

    Walks any nesting of lists and dicts and skips ids, block types and numbers (image ids),
    so it needs no knowledge of the block definitions.
    """
    parts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            if value.strip():
                parts.append(html_to_text(value).strip())
        elif isinstance(value, Mapping):
            if "type" in value and "value" in value:
                walk(value["value"])
            else:
                for key, item in value.items():
                    if key not in {"id", "type"}:
                        walk(item)
        elif isinstance(value, Iterable):  # lists, and StreamValue.raw_data's RawDataView
            for item in value:
                walk(item)

    walk(raw_blocks)
    return "\n".join(p for p in parts if p)
