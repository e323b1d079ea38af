"""Text analysis per edition language, shared by relevant news and search.

`analyse(text, language)` turns text into index terms: Russian lemmas, English Snowball
stems, Kazakh stems from our suffix stripper (see kazakh.py). The same function analyses
articles when they are indexed and readers' queries when they search, so inflected forms
meet: "президента" finds "президент", "президентінің" finds "президент".
"""

from __future__ import annotations

from functools import cache

from .languages import EnglishAnalyser, KazakhAnalyser, RussianAnalyser, WordAnalyser
from .tokens import html_to_text, normalise_word, stream_plain_text, word_spans, words
from .transliteration import kazakh_from_latin, kazakh_to_latin, latin_key

LANGUAGES = ("ru", "kk", "en")

__all__ = [
    "LANGUAGES",
    "analyse",
    "analyser_for",
    "html_to_text",
    "kazakh_from_latin",
    "kazakh_to_latin",
    "latin_key",
    "normalise_word",
    "stream_plain_text",
    "term_of",
    "word_spans",
    "words",
]


@cache
def analyser_for(language: str) -> WordAnalyser:
    """The analyser of an edition language; unknown languages are read as English."""
    if language == "ru":
        return RussianAnalyser()
    if language == "kk":
        return KazakhAnalyser()
    return EnglishAnalyser()


def term_of(word: str, language: str) -> str | None:
    """The index term of one word as it appears in text (case and ё are normalised here)."""
    return analyser_for(language).term(normalise_word(word))


def analyse(text: str, language: str) -> list[str]:
    """Index terms of `text`, in order, function words dropped."""
    term = analyser_for(language).term
    return [t for t in map(term, words(text)) if t]
