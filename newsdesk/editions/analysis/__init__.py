"""Text analysis per edition language, shared by relevant news and search.

`analyse(text, language)` turns text into index terms: Russian lemmas, English Snowball
stems, Kazakh stems from our suffix stripper (see kazakh.py). The same function analyses
articles when they are indexed and readers' queries when they search, so inflected forms
meet: "президента" finds "президент", "президентінің" finds "президент".

A word written with a capital letter may be a name: in Russian it then takes its surname
reading when the dictionary's own is a common word ("Токаев" -> "токаев", not the genitive
plural of "токай"), so that it meets "Токаева", "Токаеву". Readers type names in lower case
as often as not, so a query word stands for both readings (`query_terms`).
"""

from __future__ import annotations

import threading

from .languages import EnglishAnalyser, KazakhAnalyser, RussianAnalyser, WordAnalyser
from .tokens import WORD_RE, normalise_word, word_spans, words
from .transliteration import kazakh_from_latin, kazakh_to_latin, latin_key

LANGUAGES = ("ru", "kk", "en")

__all__ = [
    "LANGUAGES",
    "analyse",
    "analyser_for",
    "analysers_warm_up",
    "kazakh_from_latin",
    "kazakh_to_latin",
    "latin_key",
    "normalise_word",
    "query_terms",
    "readings_of",
    "term_of",
    "word_spans",
    "words",
]


# One analyser per language and process. The Russian one loads pymorphy3's dictionaries
# (about a second and 15 MB): on a cold gunicorn worker its 16 threads used to build it at
# once, so it is built under a lock, checked again inside (issue 15, item 3).
_built: dict[str, WordAnalyser] = {}
_build_lock = threading.Lock()


def _build(language: str) -> WordAnalyser:
    if language == "ru":
        return RussianAnalyser()
    if language == "kk":
        return KazakhAnalyser()
    return EnglishAnalyser()


def analyser_for(language: str) -> WordAnalyser:
    """The analyser of an edition language; unknown languages are read as English."""
    key = language if language in LANGUAGES else "en"
    analyser = _built.get(key)
    if analyser is None:
        with _build_lock:
            analyser = _built.get(key)
            if analyser is None:
                analyser = _built[key] = _build(key)
    return analyser


def analysers_warm_up() -> None:
    """Build every edition's analyser now (at web process start), not in a reader's request."""
    for language in LANGUAGES:
        analyser_for(language)


def term_of(word: str, language: str) -> str | None:
    """The index term of one word as it appears in text (case and ё are normalised here;
    the capital letter is read first, as in `analyse`)."""
    analyser = analyser_for(language)
    normal = normalise_word(word)
    if word[:1].isupper():
        return analyser.name_term(normal) or analyser.term(normal)
    return analyser.term(normal)


def analyse(text: str, language: str, *, every_reading: bool = False) -> list[str]:
    """Index terms of `text`, in order, function words dropped.

    A capitalised word (anywhere: a sentence often begins with the name) takes its name
    reading when it has one. With `every_reading` (the search index) it keeps its common
    reading too: the capital alone cannot tell "Токаев" from "Соединенных Штатов", and a
    search for "штаты" should find the latter.
    """
    analyser = analyser_for(language)
    term, name_term = analyser.term, analyser.name_term
    terms = []
    for raw in WORD_RE.findall(text):  # findall: no Match objects on this hot path
        word = normalise_word(raw)
        name = name_term(word) if raw[0].isupper() else None
        if name:
            terms.append(name)
            if not every_reading:
                continue
        found = term(word)
        if found and found != name:
            terms.append(found)
    return terms


def readings_of(word: str, language: str) -> set[str]:
    """Every term one word as it appears in text is indexed under for search (see `analyse`)."""
    analyser = analyser_for(language)
    normal = normalise_word(word)
    name = analyser.name_term(normal) if word[:1].isupper() else None
    return {reading for reading in (analyser.term(normal), name) if reading}


def query_terms(text: str, language: str) -> list[tuple[str, ...]]:
    """Per word of a reader's query, the terms it may be indexed under: its term and, when
    it has one, its name reading, whatever case the reader typed ("токаев" -> "токай",
    "токаев"). Words that carry no topic give no group."""
    analyser = analyser_for(language)
    groups = []
    for word in words(text):
        group = tuple(dict.fromkeys(t for t in (analyser.term(word), analyser.name_term(word)) if t))
        if group:
            groups.append(group)
    return groups
