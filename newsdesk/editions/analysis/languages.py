"""One analyser per edition language: normalised word -> index term (lemma or stem)."""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import snowballstemmer

from .kazakh import kazakh_stem
from .stopwords import BY_LANGUAGE
from .transliteration import kazakh_from_latin

_LATIN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzäöüūıñğş")
# Endings of Russian surnames that share their form with a common noun's genitive plural
# ("Токаев" / "токаев" of "токай", "Песков" / "песков" of "песок").
_SURNAME_ENDINGS = ("ов", "ев", "ёв", "ин", "ын")
_SURNAME_STEMS = ("ов", "ев", "ин", "ын")  # in a normalised word, "ё" is already "е"
# A top reading with one of these names a place, a body or a patronymic: left as it is.
_OTHER_PROPER = frozenset({"Patr", "Geox", "Orgn"})


class WordAnalyser(Protocol):
    language: str

    def term(self, word: str) -> str | None:
        """The index term of a normalised word, or None for a word that carries no topic."""
        ...

    def name_term(self, word: str) -> str | None:
        """The term of a normalised word read as a name where `term` reads it as a common
        word, or None. Used for words written with a capital letter, and offered alongside
        `term` for every query word."""
        ...


class EnglishAnalyser:
    language = "en"

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("english")
        self._stop = BY_LANGUAGE["en"]
        self.term = lru_cache(maxsize=200_000)(self._term)

    def _term(self, word: str) -> str | None:
        if word in self._stop or (len(word) < 2 and not word.isdigit()):
            return None
        return self._stemmer.stemWord(word)

    @staticmethod
    def name_term(word: str) -> None:
        return None


class RussianAnalyser:
    """Dictionary lemmas (pymorphy3), Snowball stems for words the dictionary does not know.

    Snowball alone splits "Казахстана" from "Казахстан"; the dictionary alone leaves unknown
    words inflected. Known words get their lemma, unknown surnames the dictionary's surname
    guess, the rest a stem.

    A surname in -ов/-ев/-ин is also the genitive plural of a common noun ("Токаев" of
    "токай", "Песков" of "песок"), which the dictionary prefers, while the other cases
    ("Токаева", "Токаеву") are unknown words that get the surname guess "токаев". `name_term`
    gives the surname reading of such a word; `analyse` uses it for words written with a
    capital letter, so every form of the name meets on one term. The dictionary cannot tell
    "Токаев" from "районов" (both known genitive plurals whose form is also a surname's),
    so only the capital decides: a capitalised genitive plural at the start of a sentence
    ("Участников форума ...") is read as a surname too; queries offer both readings.
    """

    language = "ru"

    def __init__(self) -> None:
        import pymorphy3

        self._morph = pymorphy3.MorphAnalyzer(lang="ru")
        self._stemmer = snowballstemmer.stemmer("russian")
        self._stop = BY_LANGUAGE["ru"]
        self.term = lru_cache(maxsize=300_000)(self._term)
        self.name_term = lru_cache(maxsize=100_000)(self._name_term)

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

    def _name_term(self, word: str) -> str | None:
        # Every form of a surname in -ов/-ев/-ин/-ын keeps that stem ("Ершовой", "Путиным"):
        # most capitalised words are let go here, without asking the dictionary.
        if word in self._stop or not any(stem in word for stem in _SURNAME_STEMS):
            return None
        parses = self._morph.parse(word)
        top = parses[0]
        if not top.is_known or "Surn" in top.tag:
            return None  # `term` already reads it as a surname (or guesses one)
        # Only the shapes a surname takes as a common word: a noun's genitive (or animate
        # accusative) plural, "Песков", "Зайцев", "Максимов"; or an adjective, "Ершова".
        # A first name in the genitive plural counts ("Максимов"): as a capitalised word it is
        # a surname. Other readings (verbs, prepositions, "Машина", "Голову") are left alone.
        plural = (
            top.tag.POS == "NOUN"
            and top.tag.number == "plur"
            and top.tag.case in ("gent", "accs")
            and not top.tag.grammemes & _OTHER_PROPER
        )
        if not plural and top.tag.POS not in ("ADJF", "ADJS"):
            return None
        # The dictionary knows the surname as a less likely reading: "песков" -> "песков".
        surname = next(
            (p for p in parses if "Surn" in p.tag and p.normal_form.endswith(_SURNAME_ENDINGS)), None
        )
        if surname is not None:
            return surname.normal_form.replace("ё", "е")
        # It does not: the genitive form ("Токаева") is guessed as this surname's, so the
        # word is its nominative: "токаев" (while "токай" is the noun's lemma).
        if plural and word.endswith(_SURNAME_ENDINGS) and self._guessed_surname(word + "а") == word:
            return word
        return None

    def _guessed_surname(self, word: str) -> str | None:
        """The normal form of the dictionary's surname reading of `word`, if it has one."""
        surname = next((p for p in self._morph.parse(word) if "Surn" in p.tag), None)
        return surname.normal_form.replace("ё", "е") if surname is not None else None


class KazakhAnalyser:
    """Our suffix stripper (kazakh.py); Latin-script Kazakh is read as Cyrillic first."""

    language = "kk"

    def __init__(self) -> None:
        self._stop = BY_LANGUAGE["kk"]
        self.term = lru_cache(maxsize=200_000)(self._term)

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

    @staticmethod
    def name_term(word: str) -> None:
        # The suffix stripper already gives "Токаев", "Токаевтың", "Токаевқа" one stem.
        return None
