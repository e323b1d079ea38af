from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsdesk.articles.tests.factories import article_publish
from newsdesk.related.models import RelatedArticle

FILES = Path(__file__).parent / "files"


def test_evaluate_prints_one_json_object_per_figure() -> None:
    out = StringIO()
    call_command(
        "related_evaluate",
        "--corpus",
        str(FILES / "sample.jsonl"),
        "--json",
        "--no-embeddings",
        "--only",
        "related",
        "--only",
        "translations",
        stdout=out,
    )
    figures = json.loads(out.getvalue())
    assert set(figures) >= {"precision_at_5", "cross_edition_top1", "mrr_at_10"}
    # Four farming and three sport items: at best 3 of 5 and 2 of 5 neighbours share a label.
    assert figures["precision_at_5"]["en"] == pytest.approx((4 * 3 / 5 + 3 * 2 / 5) / 7, abs=1e-3)
    assert set(figures["cross_edition_top1"]) == {"en->ru", "ru->en"}
    assert figures["corpora"]["sample.jsonl"]["items"] == 9


def test_evaluate_text_report() -> None:
    out = StringIO()
    call_command(
        "related_evaluate",
        "--corpus",
        str(FILES / "sample.jsonl"),
        "--no-embeddings",
        "--only",
        "related",
        stdout=out,
    )
    assert "sample.jsonl: 9 items" in out.getvalue()
    assert "relevant news precision@5: en " in out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "not JSON"),
        ('{"id": "x", "lang": "de", "text": "Hallo"}\n', "lang must be one of"),
        ('{"id": "x", "text": "no lang"}\n', "needs string fields"),
        ("", "no items"),
    ],
)
def test_evaluate_refuses_a_bad_corpus_with_one_line(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("related_evaluate", "--corpus", str(path), "--no-embeddings", stdout=StringIO())


def test_evaluate_missing_file(tmp_path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("related_evaluate", "--corpus", str(tmp_path / "nope.jsonl"), stdout=StringIO())


@pytest.mark.django_db
def test_rebuild_recomputes_every_list(sections) -> None:
    economy = sections[("en", "economy")]
    a = article_publish(section=economy, title="Wheat harvest", paragraphs=["Wheat grain harvest."], lead="")
    b = article_publish(section=economy, title="Wheat exports", paragraphs=["Wheat grain exports."], lead="")
    RelatedArticle.objects.all().delete()
    out = StringIO()
    call_command("related_rebuild", stdout=out)
    assert "related_rebuild: 2 articles" in out.getvalue() and "peak memory" in out.getvalue()
    assert list(RelatedArticle.objects.filter(article=a).values_list("related_id", flat=True)) == [b.pk]


def test_rebuild_refuses_unknown_language() -> None:
    with pytest.raises(CommandError, match="unknown edition language de"):
        call_command("related_rebuild", "--language", "de", stdout=StringIO())
