"""Search MRR@10 as `related_evaluate` measures it, through the configured engine."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from newsdesk.search import evaluation as search_module
from newsdesk.search.evaluation import key_word_query, search_mrr


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    text: str
    title: str = ""


ITEMS = [
    Item("e1", "en", "Farmers harvested more wheat and grain this year.", "Wheat harvest grows"),
    Item("e2", "en", "Grain and wheat exports rose as the harvest grew.", "Grain exports rise"),
    Item("e3", "en", "The striker scored twice and the football club won the match.", "Striker scores twice"),
    Item("r1", "ru", "Фермеры собрали больше пшеницы и зерна в этом году. Цены упали."),
    Item("r2", "ru", "Нападающий забил дважды, и футбольный клуб выиграл матч. Болельщики рады."),
    Item("k1", "kk", "Президенттің Мәскеуге сапары аяқталды. Келісімдерге қол қойылды."),
    Item("k2", "kk", "Алматыда жаңа мектеп ашылды. Оқушылар қуанышты."),
]


@pytest.mark.django_db
def test_every_item_finds_itself_first() -> None:
    assert search_mrr(ITEMS) == {"en": 1.0, "ru": 1.0, "kk": 1.0}


def test_key_words_are_the_rarest_of_the_first_sentence_in_order() -> None:
    from collections import Counter

    frequency = Counter({"фермер": 8, "собрать": 5, "пшеница": 1, "зерно": 2})
    # Function words ("и", "в", "этом", "году", "больше") never count; the rest, rarest
    # first, are kept (lower-cased) in the sentence's order; "Цены" is in the second sentence.
    assert key_word_query(ITEMS[3].text, "ru", frequency, total=10) == "фермеры собрали пшеницы зерна"
    search_module.KEY_WORDS = 2
    try:
        assert key_word_query(ITEMS[3].text, "ru", frequency, total=10) == "пшеницы зерна"
    finally:
        search_module.KEY_WORDS = 6
