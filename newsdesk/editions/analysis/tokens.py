"""Splitting text into normalised word tokens, the same way for every language."""

from __future__ import annotations

import re
import unicodedata

# Letters (any script) and digits; an inner hyphen or apostrophe splits words, so that
# "Нұр-Сұлтан" and "Nur-Sultan" give the same two tokens in every edition.
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Latin look-alikes that slip into Cyrillic text typed on a mixed keyboard.
_CYRILLIC_LOOKALIKES = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у"})
_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
_LATIN_RE = re.compile(r"[a-z]")


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
