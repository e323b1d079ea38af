"""The per-language analysis that search and relevant news share (issue 5)."""

from __future__ import annotations

import pytest

from newsdesk.editions.analysis import (
    analyse,
    kazakh_from_latin,
    kazakh_to_latin,
    latin_key,
    query_terms,
    term_of,
)
from newsdesk.editions.analysis.kazakh import kazakh_stem


def same_term(language: str, *forms: str) -> set[str | None]:
    return {term_of(form, language) for form in forms}


@pytest.mark.parametrize(
    "forms",
    [
        ("президент", "президента", "президенту", "президентом", "президенте", "президенты", "президентов"),
        ("Казахстан", "Казахстана", "Казахстане", "Казахстаном"),
        ("встреча", "встречи", "встречей", "встречах"),
        ("новый", "новая", "новое", "новыми"),
        ("Ёлка", "елки"),
    ],
)
def test_russian_inflections_meet(forms: tuple[str, ...]) -> None:
    assert len(same_term("ru", *forms)) == 1


def test_russian_unknown_surnames_keep_one_form() -> None:
    assert len(same_term("ru", "Жумабаев", "Жумабаева", "Жумабаеву", "Жумабаевым")) == 1
    assert len(same_term("ru", "Лифтконнект", "Лифтконнекта")) == 1


def test_russian_surname_that_is_also_a_common_word_keeps_one_term() -> None:
    # "Токаев" alone is known to the dictionary, as the genitive plural of "токай"; the other
    # forms are unknown words guessed as the surname. The capital letter joins them.
    text = "Токаев провёл встречу. Гостей принял Токаев, у Токаева, к Токаеву, с Токаевым."
    assert analyse(text, "ru") == ["токаев", "провести", "встреча", "гость", "принять"] + ["токаев"] * 4
    assert len(same_term("ru", "Токаев", "Токаева", "Токаеву", "Токаевым", "Токаеве", "ТОКАЕВ")) == 1
    # The dictionary knows the surname, but as a less likely reading than the common word.
    assert len(same_term("ru", "Песков", "Пескова", "Пескову", "Песковым")) == 1
    assert len(same_term("ru", "Зайцев", "Зайцева", "Зайцевым")) == 1
    assert len(same_term("ru", "Ершов", "Ершова", "Ершовым")) == 1


def test_lower_case_common_words_keep_their_lemma() -> None:
    assert analyse("жителей домов и районов", "ru") == ["житель", "дом", "район"]
    assert term_of("токаев", "ru") == "токай"
    # Surnames the dictionary reads first as surnames are not touched.
    assert same_term("ru", "Путин", "Путина", "Путину", "путина") == {"путин"}
    assert same_term("ru", "Назарбаев", "Назарбаева") == {"назарбаев"}


def test_capitalised_common_words() -> None:
    # Only the capital tells "Районов" from a surname: at the start of a sentence a genitive
    # plural of this shape is read as one (a query for "районы" still finds the rest of the
    # article; a query for "районов" finds this word too, see query_terms).
    assert analyse("Районов в области стало больше.", "ru")[:2] == ["районов", "область"]
    # Other shapes keep their lemma whatever the case: "Машина" is not the surname "Машин",
    # and a capitalised function word is still dropped.
    assert same_term("ru", "Машина", "машина") == {"машина"}
    assert same_term("ru", "Домом", "домом") == {"дом"}
    assert analyse("По данным министерства", "ru") == ["данные", "министерство"]


def test_query_words_stand_for_both_readings() -> None:
    assert query_terms("Токаев токаев Токаева", "ru") == [
        ("токай", "токаев"),
        ("токай", "токаев"),
        ("токаев",),
    ]
    assert query_terms("районов и президента", "ru") == [("район", "районов"), ("президент",)]
    assert query_terms("Токаев Токаевтың", "kk") == [
        (term_of("Токаев", "kk"),),
        (term_of("Токаевтың", "kk"),),
    ]
    assert query_terms("The Smiths", "en") == [("smith",)]


@pytest.mark.parametrize(
    "forms",
    [
        ("президент", "президенті", "президентінің", "президентке", "президентпен", "президенттің"),
        ("Қазақстан", "Қазақстанның", "Қазақстанда", "Қазақстанға", "Қазақстандағы", "Қазақстаннан"),
        ("Мәскеу", "Мәскеуде", "Мәскеуге", "Мәскеудің"),
        ("мемлекет", "мемлекеттер", "мемлекеттердің", "мемлекетке"),
        ("бала", "балалар", "балаларға", "балаларымызға"),
        ("қала", "қаласы", "қаласында", "қалада"),
        ("Токаев", "Токаевтың", "Токаевқа"),
    ],
)
def test_kazakh_inflections_meet(forms: tuple[str, ...]) -> None:
    assert len(same_term("kk", *forms)) == 1


def test_kazakh_short_roots_and_derivation_are_kept() -> None:
    assert kazakh_stem("ел") == "ел"
    assert kazakh_stem("су") == "су"
    # Derivation is not inflection: "presidential" stays apart from "president".
    assert term_of("президенттік", "kk") != term_of("президент", "kk")


def test_kazakh_vowel_harmony_and_assimilation_guard_cuts() -> None:
    # "-ті" is the accusative only after a voiceless consonant: "президенті" is the possessive
    # "-і", and cutting "-ті" would leave "президен".
    assert kazakh_stem("президенті") == "президент"
    assert kazakh_stem("кітапты") == "кітап"


def test_kazakh_latin_spelling_finds_cyrillic() -> None:
    assert term_of("Prezidentınıñ", "kk") == term_of("президентінің", "kk") == term_of("президент", "kk")
    assert analyse("Qazaqstan", "kk") == analyse("Қазақстан", "kk")


@pytest.mark.parametrize(
    "forms",
    [
        ("president", "presidents", "president's"),
        ("meeting", "meetings", "meet"),
        ("economy", "economies"),
    ],
)
def test_english_inflections_meet(forms: tuple[str, ...]) -> None:
    terms = {t for form in forms for t in analyse(form, "en")}
    assert len(terms) == 1


def test_function_words_are_dropped() -> None:
    assert analyse("the and of", "en") == []
    assert analyse("и в на это", "ru") == []
    assert analyse("және мен үшін", "kk") == []
    assert analyse("The President of Kazakhstan", "en") == ["presid", "kazakhstan"]


def test_query_syntax_is_just_words() -> None:
    assert analyse('"президент" AND (Казахстан*) OR NOT \x00 --', "ru") == analyse(
        "президент and казахстан or not", "ru"
    )


def test_transliteration_both_ways() -> None:
    assert kazakh_to_latin("Қазақстан Республикасының Президенті") == "Qazaqstan Respublikasynyñ Prezidentı"
    assert kazakh_from_latin("Qazaqstan Respublikasynyñ Prezidentı") == "қазақстан республикасының президенті"
    assert kazakh_from_latin("Shymkent") == kazakh_from_latin("shymkent")


def test_latin_key_joins_spellings_of_a_name() -> None:
    assert latin_key("Тоқаев") == latin_key("Токаев") == latin_key("Tokayev")
    assert latin_key("Путин") == latin_key("Putin")
    assert latin_key("Назарбаев") != latin_key("Тоқаев")
