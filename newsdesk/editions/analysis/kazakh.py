"""A Kazakh suffix stripper.

Kazakh is agglutinative: stem + plural + possessive + case (+ personal ending). Each suffix
comes in a back- or front-vowel form (vowel harmony) and its first consonant follows the
stem's last sound: -лар after vowels, -дар after л/з/ж and nasals, -тар after voiceless
consonants; -ның/-дың/-тың, -ны/-ды/-ты, -да/-та, -дан/-нан/-тан, -ға/-қа and so on. Neither
Snowball nor PostgreSQL has a Kazakh stemmer.

This strips inflection from the outside in (personal ending, case, possessive, plural), the
longest suffix of a slot first, and accepts a cut only when the suffix's form agrees with
what is left (harmony and consonant assimilation), the stem keeps MIN_STEM letters and a
vowel. It repeats until nothing comes off, so that a word and its inflected forms end on the
same stem even when the bare word happens to end like a suffix ("Қазақстан" and
"Қазақстанда" both give "қазақс"): indexed words and query words go through the same steps,
so a consistent cut is what matters for retrieval. Derivation ("президенттік", presidential)
is left alone. Measured against character n-grams in docs/search-and-related.md.
"""

from __future__ import annotations

from functools import lru_cache

VOWELS = frozenset("аәеёиіоөуұүыэюя")
BACK = frozenset("аоұыя")
FRONT = frozenset("әеіөүэ")
MIN_STEM = 3

# What a suffix's first letter says about the sound before it.
_VOICELESS = frozenset("кқпстшфхцчщбвгд")  # loanwords' voiced finals are devoiced: "клуб" -> "клубтың"
_NASAL = frozenset("мнң")
_SONORANT = frozenset("лрйуижз")  # и/у end many words and behave like glides


def _after(stem: str) -> str:
    """The class of the stem's last sound: vowel, nasal, sonorant or voiceless."""
    last = stem[-1]
    if last in "иу":
        return "glide"
    if last in VOWELS:
        return "vowel"
    if last in _NASAL:
        return "nasal"
    if last in _SONORANT:
        return "sonorant"
    return "voiceless"


# suffix -> the stem endings it can follow (None: any).
def _forms(spec: dict[str, set[str] | None]) -> dict[str, frozenset[str] | None]:
    return {suffix: (frozenset(after) if after is not None else None) for suffix, after in spec.items()}


V, G, N, S, X = "vowel", "glide", "nasal", "sonorant", "voiceless"
PERSONAL = _forms(
    {
        "мын": {V, G, N, S},
        "мін": {V, G, N, S},
        "бын": {S, N},
        "бін": {S, N},
        "пын": {X},
        "пін": {X},
        "мыз": {V, G},
        "міз": {V, G},
        "быз": {S, N},
        "біз": {S, N},
        "пыз": {X},
        "піз": {X},
        "сыңдар": None,
        "сіңдер": None,
        "сыздар": None,
        "сіздер": None,
    }
)
CASE = _forms(
    {
        # attributive locative ("Қазақстандағы": the one in Kazakhstan)
        "ндағы": {V},
        "ндегі": {V},
        "дағы": {V, G, N, S},
        "дегі": {V, G, N, S},
        "тағы": {X},
        "тегі": {X},
        # genitive
        "ның": {V, G, N},
        "нің": {V, G, N},
        "дың": {G, S},
        "дің": {G, S},
        "тың": {X},
        "тің": {X},
        # ablative
        "нан": {V, N},
        "нен": {V, N},
        "дан": {V, G, S},
        "ден": {V, G, S},
        "тан": {X},
        "тен": {X},
        # locative ("-нда" after a possessive)
        "нда": {V},
        "нде": {V},
        "да": {V, G, N, S},
        "де": {V, G, N, S},
        "та": {X},
        "те": {X},
        # instrumental
        "менен": {V, G, S},
        "бенен": {N, S},
        "пенен": {X},
        "мен": {V, G, S},
        "бен": {N, S},
        "пен": {X},
        # dative ("-на" after a possessive)
        "ға": {V, G, N, S},
        "ге": {V, G, N, S},
        "қа": {X},
        "ке": {X},
        "на": {V},
        "не": {V},
        # accusative ("-н" after a possessive)
        "ны": {V},
        "ні": {V},
        "ды": {G, N, S},
        "ді": {G, N, S},
        "ты": {X},
        "ті": {X},
        "н": {V},
    }
)
POSSESSIVE = _forms(
    {
        "ымыз": {N, S, X},
        "іміз": {N, S, X},
        "мыз": {V, G},
        "міз": {V, G},
        "ыңыз": {N, S, X},
        "іңіз": {N, S, X},
        "ңыз": {V, G},
        "ңіз": {V, G},
        "сы": {V, G},
        "сі": {V, G},
        "ым": {N, S, X},
        "ім": {N, S, X},
        "ың": {N, S, X},
        "ің": {N, S, X},
        "ы": {G, N, S, X},
        "і": {G, N, S, X},
        "м": {V, G},
        "ң": {V, G},
    }
)
PLURAL = _forms({"лар": {V, G, S}, "лер": {V, G, S}, "дар": {N, S}, "дер": {N, S}, "тар": {X}, "тер": {X}})
SLOTS = (PERSONAL, CASE, POSSESSIVE, PLURAL)


def _harmony(text: str) -> str | None:
    """ "back" or "front" by the last harmonic vowel of `text`, None when it has none."""
    for char in reversed(text):
        if char in BACK:
            return "back"
        if char in FRONT:
            return "front"
    return None


def _strippable(word: str, suffix: str, after: frozenset[str] | None, harmony: bool) -> bool:
    stem = word[: -len(suffix)]
    if len(stem) < MIN_STEM or not VOWELS.intersection(stem):
        return False
    if after is not None and _after(stem) not in after:
        return False
    if not harmony:
        return True
    suffix_harmony = _harmony(suffix)
    stem_harmony = _harmony(stem)
    return suffix_harmony is None or stem_harmony is None or suffix_harmony == stem_harmony


def _strip_slot(word: str, forms: dict[str, frozenset[str] | None]) -> str:
    # Names and loanwords take case endings against their spelling's harmony ("Токаевтың"),
    # so harmony only guards the one- and two-letter possessives, the likeliest false cuts.
    harmony = forms is POSSESSIVE
    best = ""
    for suffix, after in forms.items():
        if len(suffix) > len(best) and word.endswith(suffix) and _strippable(word, suffix, after, harmony):
            best = suffix
    return word[: -len(best)] if best else word


@lru_cache(maxsize=200_000)
def kazakh_stem(word: str) -> str:
    """The stem of a lower-cased Kazakh word."""
    stem = word
    while len(stem) > MIN_STEM:
        before = stem
        for forms in SLOTS:
            stem = _strip_slot(stem, forms)
        if stem == before:
            break
    return stem
