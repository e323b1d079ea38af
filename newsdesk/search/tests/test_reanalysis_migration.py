"""The data migration that re-indexes stored search documents after a change to the Russian
analysis, through a background task (immediate in tests); a new site enqueues nothing."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from newsdesk.articles.tests.factories import article_publish
from newsdesk.search import tasks
from newsdesk.search.models import SearchDocument

MIGRATION = importlib.import_module("newsdesk.search.migrations.0003_reanalyse_russian_names")
EDITOR = SimpleNamespace(connection=connection)


@pytest.mark.django_db
def test_search_documents_are_indexed_again(sections: dict) -> None:
    article = article_publish(
        section=sections[("ru", "politics")],
        title="Токаев подписал закон",
        paragraphs=["Закон вступит в силу."],
    )
    # As the analysis before the change had it: the name read as the genitive of "токай".
    SearchDocument.objects.filter(pk=article.pk).update(title_terms="токай подписать закон")
    MIGRATION.reanalyse(apps, EDITOR)
    assert SearchDocument.objects.get(pk=article.pk).title_terms.split() == [
        "токаев",
        "токай",
        "подписать",
        "закон",
    ]


@pytest.mark.django_db
def test_only_a_site_with_russian_documents_enqueues(monkeypatch: pytest.MonkeyPatch, sections: dict) -> None:
    enqueued: list[tuple] = []
    monkeypatch.setattr(
        tasks, "search_rebuild_task", SimpleNamespace(enqueue=lambda *args: enqueued.append(args))
    )
    article_publish(
        section=sections[("en", "world")], title="Floods in the north", paragraphs=["Water rose."]
    )
    MIGRATION.reanalyse(apps, EDITOR)
    assert enqueued == []  # nothing stored was analysed by the changed (Russian) analysis
    article_publish(section=sections[("ru", "world")], title="Наводнение", paragraphs=["Вода поднялась."])
    MIGRATION.reanalyse(apps, EDITOR)
    assert enqueued == [()]
