"""Each language analyser is built once per process, however many threads ask at once
(issue 15, item 3: 16 gunicorn threads used to build pymorphy3 together on a cold worker)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from newsdesk.editions import analysis
from newsdesk.editions.analysis.languages import RussianAnalyser


@pytest.fixture
def constructions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A cold process (no analyser built yet) whose Russian analyser counts its builds."""
    built: list[int] = []

    class CountedRussianAnalyser(RussianAnalyser):
        def __init__(self) -> None:
            built.append(threading.get_ident())
            time.sleep(0.05)  # as slow to build as the real thing is, relatively
            super().__init__()

    monkeypatch.setattr(analysis, "_built", {})
    monkeypatch.setattr(analysis, "RussianAnalyser", CountedRussianAnalyser)
    return built


def test_sixteen_threads_build_the_russian_analyser_once(constructions: list[int]) -> None:
    start = threading.Barrier(16)

    def ask() -> object:
        start.wait()
        return analysis.analyser_for("ru")

    with ThreadPoolExecutor(max_workers=16) as pool:
        analysers = list(pool.map(lambda _: ask(), range(16)))

    assert len(constructions) == 1
    assert len({id(a) for a in analysers}) == 1
    assert analysis.term_of("Казахстана", "ru") == "казахстан"


def test_warm_up_builds_every_language_once(constructions: list[int]) -> None:
    analysis.analysers_warm_up()
    analysis.analysers_warm_up()
    assert len(constructions) == 1
    assert set(analysis._built) == set(analysis.LANGUAGES)
    assert analysis.analyser_for("de") is analysis.analyser_for("en")
