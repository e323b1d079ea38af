"""One analyser per edition language: normalised word -> index term (lemma or stem)."""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import snowballstemmer

from .kazakh import kazakh_stem
from .stopwords import BY_LANGUAGE
from .transliteration import kazakh_from_latin

_LATIN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzäöüūıñğş")


class WordAnalyser(Protocol):
    language: str

    def term(self, word: str) -> str | None:
        """The index term of a normalised word, or None for a word that carries no topic."""
        ...


class EnglishAnalyser:
    language = "en"

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("english")
        self._stop = BY_LANGUAGE["en"]
        self.term = lru_cache(maxsize=200_000)(self._term)  # type: ignore[method-assign]

    def _term(self, word: str) -> str | None:
        if word in self._stop or (len(word) < 2 and not word.isdigit()):
            return None
        return self._stemmer.stemWord(word)


class RussianAnalyser:
    """Dictionary lemmas (pymorphy3), Snowball stems for words the dictionary does not know.

    Snowball alone splits "Казахстана" from "Казахстан"; the dictionary alone leaves unknown
    words inflected. Known words get their lemma, unknown surnames the dictionary's surname
    guess, the rest a stem. (A surname that is also a dictionary word stays ambiguous:
    "Токаев" reads as the genitive plural of "токай".)
    """

    language = "ru"

    def __init__(self) -> None:
        import pymorphy3

        self._morph = pymorphy3.MorphAnalyzer(lang="ru")
        self._stemmer = snowballstemmer.stemmer("russian")
        self._stop = BY_LANGUAGE["ru"]
        self.term = lru_cache(maxsize=300_000)(self._term)  # type: ignore[method-assign]

    def _term(self, word: str) -> str | None:
        if word in self._stop or (len(word) < 2 and not word.isdigit()):
            return None
        if word.isdigit() or _LATIN_LETTERS.issuperset(word):
            return word
        parses = self._morph.parse(word)
        if parses[0].is_known:
            lemma = parses[0].normal_form.replace("ё", "е")
            return None if lemma in self._stop else lemma
        # An unknown word in news is most often a name: the dictionary's guess that it is a
        # surname gives every case the same (masculine) form: "Жумабаева" -> "жумабаев".
        surname = next((p for p in parses if "Surn" in p.tag), None)
        if surname is not None:
            return surname.normal_form.replace("ё", "е")
        return self._stemmer.stemWord(word)


class KazakhAnalyser:
    """Our suffix stripper (kazakh.py); Latin-script Kazakh is read as Cyrillic first."""

    language = "kk"

    def __init__(self) -> None:
        self._stop = BY_LANGUAGE["kk"]
        self.term = lru_cache(maxsize=200_000)(self._term)  # type: ignore[method-assign]

    def _term(self, word: str) -> str | None:
        if word.isdigit():
            return word
        if _LATIN_LETTERS.issuperset(word):
            # Both the indexed text and the query pass here, so even a foreign name read as
            # Kazakh Latin ends on the same term; Latin-typed Kazakh meets Cyrillic text.
            word = kazakh_from_latin(word)
        if word in self._stop or len(word) < 2:
            return None
        return kazakh_stem(word)
