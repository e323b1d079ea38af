"""Kazakh Cyrillic <-> Latin (the 2021 Latin alphabet), and a rough Latin key for names.

Kazakh readers type queries in either script; names cross editions in different spellings
("Тоқаев", "Токаев", "Tokayev"). `latin_key` reduces a word in any of our scripts to a Latin
consonant skeleton so those spellings meet when suggesting translations.
"""

from __future__ import annotations

import re

KK_CYRILLIC_TO_LATIN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
    "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "",
    "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
# Latin -> Cyrillic: digraphs first; "i" is "и" (й only appears after vowels, handled below).
_LATIN_DIGRAPHS = {"şş": "щ", "ts": "ц", "ch": "ч", "io": "ё", "iu": "ю", "ia": "я"}
_LATIN_SINGLE = {
    latin: cyrillic
    for cyrillic, latin in KK_CYRILLIC_TO_LATIN.items()
    if len(latin) == 1 and cyrillic not in {"й", "һ", "э"}
}
_LATIN_SINGLE.update({"w": "у", "c": "ц", "x": "х", "y": "ы"})
_KK_VOWELS_LATIN = set("aäeıioöuūüy")


def kazakh_to_latin(text: str) -> str:
    out = []
    for char in text:
        lower = char.lower()
        latin = KK_CYRILLIC_TO_LATIN.get(lower)
        if latin is None:
            out.append(char)
        elif char != lower and latin:
            out.append(latin[0].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)


def kazakh_from_latin(text: str) -> str:
    """Kazakh Latin (2021 alphabet, tolerant of plain ASCII) to Cyrillic, lower-cased."""
    text = text.lower()
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in _LATIN_DIGRAPHS:
            out.append(_LATIN_DIGRAPHS[pair])
            i += 2
            continue
        char = text[i]
        if char == "i" and out and i > 0 and text[i - 1] in _KK_VOWELS_LATIN:
            out.append("й")
        else:
            out.append(_LATIN_SINGLE.get(char, char))
        i += 1
    return "".join(out)


_CYRILLIC_KEY = {
    **KK_CYRILLIC_TO_LATIN,
    "ғ": "g", "қ": "k", "ң": "n", "ә": "a", "ө": "o", "ұ": "u", "ү": "u", "і": "i", "ж": "zh",
    "ш": "sh", "щ": "sh", "х": "kh", "ц": "ts", "й": "y",
}  # fmt: skip
_KEY_FOLD = [
    (
        re.compile(r"kh|ch|sh|zh|ts"),
        lambda m: {"kh": "k", "ch": "c", "sh": "s", "zh": "j", "ts": "c"}[m.group()],
    ),
    (re.compile(r"[aeiouyäöüūıñğş]"), lambda m: {"ñ": "n", "ğ": "g", "ş": "s"}.get(m.group(), "")),
    (re.compile(r"[qx]"), lambda m: "k"),
    (re.compile(r"(.)\1+"), lambda m: m.group(1)),
]


def latin_key(word: str) -> str:
    """A spelling-tolerant Latin consonant skeleton: "Тоқаев", "Токаев", "Tokayev" -> "tkv"."""
    latin = "".join(_CYRILLIC_KEY.get(char, char) for char in word.lower())
    for pattern, replace in _KEY_FOLD:
        latin = pattern.sub(replace, latin)
    return latin.replace("w", "v")
