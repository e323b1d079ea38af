"""Kazakh Cyrillic <-> Latin (the 2021 Latin alphabet), and a rough Latin key for names.

Kazakh readers type queries in either script; names cross editions in different spellings
("Тоқаев", "Токаев", "Tokayev"). `latin_key` reduces a word in any of our scripts to a Latin
consonant skeleton so those spellings meet when suggesting translations.
"""

from __future__ import annotations

import codecs
import re

# The official 2021 alphabet (31 letters: A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū
# Ü V Y Z) for the native letters; the loan letters (ц ч щ ё ю я э ъ ь) have no letter of their
# own and follow docs/kazakh-latin.md: spelled by sound with the alphabet's letters (ц ts, ч ch,
# щ şş, ё io, ю iu, я ia: й is i, э e) and ъ, ь dropped. Lower case here; capitals below.
KK_CYRILLIC_TO_LATIN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
    "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "",
    "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
# Capitals: the 2021 alphabet pairs dotted İ/i (и, й) and dotless I/ı (і), which str.upper()
# would fold together; a loan letter's pair starts with a capital ("Чехия" -> "Chehia").
KK_CYRILLIC_TO_LATIN_UPPER = {
    cyrillic.upper(): {"i": "İ", "ı": "I"}.get(latin[:1], latin[:1].upper()) + latin[1:]
    for cyrillic, latin in KK_CYRILLIC_TO_LATIN.items()
}
# In an all-caps word a loan letter's pair is all capitals ("ЧЕХИЯ" -> "CHEHİİA"): spelled
# here with letters that the table then maps one to one (И -> İ).
_ALL_CAPS_SOURCE = {"Ё": "ИO", "Ц": "TS", "Ч": "CH", "Щ": "ШШ", "Ю": "ИU", "Я": "ИA"}
_PAIR_CAPITAL = re.compile(f"[{''.join(_ALL_CAPS_SOURCE)}]")
_TABLE = str.maketrans({**KK_CYRILLIC_TO_LATIN, **KK_CYRILLIC_TO_LATIN_UPPER})
_TABLE_LETTERS = {**KK_CYRILLIC_TO_LATIN, **KK_CYRILLIC_TO_LATIN_UPPER}


class _ByteTables:
    """The table run as C byte operations: `str.translate` looks each character up in a
    dict (~140 ns a character, 10 ms for a 10,000-word article); encoding with the kz1048
    code page (it holds every Kazakh and Russian letter and the usual punctuation), one
    `bytes.translate`, a `bytes.replace` per two-letter pair and a decode take ~0.3 ms.
    Text that kz1048 cannot encode (an emoji, a Latin "ä") takes `str.translate`."""

    def __init__(self) -> None:
        source = bytes(range(256)).decode("kz1048", errors="replace")
        letters = [i for i in range(128, 256) if source[i] in _TABLE_LETTERS]
        outputs = sorted({c for latin in _TABLE_LETTERS.values() for c in latin if ord(c) > 127})
        free = iter(letters)
        out_code = {char: next(free) for char in outputs}
        decode = list(source)
        for char, code in out_code.items():
            decode[code] = char
        translate = list(range(256))
        self.pairs: list[tuple[bytes, bytes]] = []
        for i in letters:
            latin = _TABLE_LETTERS[source[i]]
            codes = bytes(out_code.get(c, ord(c)) for c in latin)
            if len(codes) == 1:
                translate[i] = codes[0]
            else:  # a pair or nothing (ъ, ь): a spare code, replaced after the translate
                translate[i] = spare = next(free)
                self.pairs.append((bytes([spare]), codes))
        self.translate = bytes(translate)
        self.decode = "".join(decode)
        upper = {i for i in range(256) if source[i].isupper()}
        self.upper = frozenset(upper)
        self.all_caps = {
            cyrillic.encode("kz1048")[0]: spelled.encode("kz1048")
            for cyrillic, spelled in _ALL_CAPS_SOURCE.items()
        }
        self.pair_capital = re.compile(b"[" + re.escape(bytes(self.all_caps)) + b"]")

    def all_caps_pairs(self, encoded: bytes) -> bytes:
        """A capital ч, ц, щ, ё, ю or я next to another capital is spelled in capitals. Rare
        (names, sentence starts), so the loop over the matches costs little."""
        pieces: list[bytes] = []
        last = 0
        upper, end = self.upper, len(encoded)
        for match in self.pair_capital.finditer(encoded):
            i = match.start()
            if (i > 0 and encoded[i - 1] in upper) or (i + 1 < end and encoded[i + 1] in upper):
                pieces += [encoded[last:i], self.all_caps[encoded[i]]]
                last = i + 1
        return b"".join([*pieces, encoded[last:]]) if pieces else encoded


_BYTES = _ByteTables()


def _all_caps_pairs(text: str) -> str:
    """`_ByteTables.all_caps_pairs` for text outside kz1048."""
    pieces: list[str] = []
    last = 0
    for match in _PAIR_CAPITAL.finditer(text):
        i = match.start()
        if (i > 0 and text[i - 1].isupper()) or (i + 1 < len(text) and text[i + 1].isupper()):
            pieces += [text[last:i], _ALL_CAPS_SOURCE[match.group()]]
            last = i + 1
    return "".join([*pieces, text[last:]]) if pieces else text


def kazakh_to_latin(text: str) -> str:
    """Kazakh Cyrillic to the 2021 Latin alphabet; anything else (Latin, digits, markup
    characters, letters outside the table) passes through unchanged."""
    try:
        encoded = text.encode("kz1048")
    except UnicodeEncodeError:
        return _all_caps_pairs(text).translate(_TABLE)
    encoded = _BYTES.all_caps_pairs(encoded).translate(_BYTES.translate)
    for spare, codes in _BYTES.pairs:
        encoded = encoded.replace(spare, codes)
    # A str decoding table is what charmap_decode takes fastest; the stubs only know a dict.
    return codecs.charmap_decode(encoded, "strict", _BYTES.decode)[0]  # type: ignore[arg-type]


# Latin -> Cyrillic: digraphs first; "i" is "и" (й only appears after vowels, handled below).
_LATIN_DIGRAPHS = {"şş": "щ", "ts": "ц", "ch": "ч", "io": "ё", "iu": "ю", "ia": "я"}
_LATIN_SINGLE = {
    latin: cyrillic
    for cyrillic, latin in KK_CYRILLIC_TO_LATIN.items()
    if len(latin) == 1 and cyrillic not in {"й", "һ", "э"}
}
_LATIN_SINGLE.update({"w": "у", "c": "ц", "x": "х", "y": "ы"})
_KK_VOWELS_LATIN = set("aäeıioöuūüy")


def kazakh_from_latin(text: str) -> str:
    """Kazakh Latin (2021 alphabet, tolerant of plain ASCII) to Cyrillic, lower-cased."""
    text = text.replace("İ", "i").lower()  # str.lower() gives "İ" a combining dot
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
