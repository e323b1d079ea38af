"""The data migration that rebuilds the Russian and Kazakh editions' vectors and lists after a
change to their analysis, through a background task (immediate in tests); a new site
enqueues nothing."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from newsdesk.articles.tests.factories import article_publish
from newsdesk.related import tasks
from newsdesk.related.models import ArticleVector

MIGRATION = importlib.import_module("newsdesk.related.migrations.0002_reanalyse_russian_and_kazakh")
EDITOR = SimpleNamespace(connection=connection)


@pytest.mark.django_db
def test_relevant_news_vectors_are_rebuilt(sections: dict) -> None:
    article = article_publish(
        section=sections[("ru", "politics")],
        title="Токаев подписал закон",
        paragraphs=["Закон вступит в силу."],
    )
    ArticleVector.objects.filter(pk=article.pk).update(terms={"токай": 3.0})  # as analysed before
    MIGRATION.reanalyse(apps, EDITOR)
    terms = ArticleVector.objects.get(pk=article.pk).terms
    assert "токаев" in terms and "токай" not in terms


@pytest.mark.django_db
def test_only_the_changed_editions_are_rebuilt(monkeypatch: pytest.MonkeyPatch, sections: dict) -> None:
    enqueued: list[tuple] = []
    monkeypatch.setattr(
        tasks, "related_rebuild_task", SimpleNamespace(enqueue=lambda *args: enqueued.append(args))
    )
    article_publish(
        section=sections[("en", "world")], title="Floods in the north", paragraphs=["Water rose."]
    )
    MIGRATION.reanalyse(apps, EDITOR)
    assert enqueued == []  # English analysis did not change
    article_publish(section=sections[("kk", "world")], title="Су тасқыны", paragraphs=["Су көтерілді."])
    MIGRATION.reanalyse(apps, EDITOR)
    assert enqueued == [(["kk"],)]
