"""The one extractor of an article's text (issue 15, part 2)."""

from __future__ import annotations

import pytest

from newsdesk.articles.blocks import ArticleBodyBlock
from newsdesk.articles.documents import article_document_build
from newsdesk.articles.tests.factories import article_publish
from newsdesk.articles.text import rich_text_blocks, stream_text_blocks

BODY = ArticleBodyBlock()


def test_rich_text_splits_into_elements_and_decodes_entities() -> None:
    html = "<p>First &amp; <b>bold</b></p><h2>Heading</h2><ul><li>one</li><li>two<br/>lines</li></ul>"
    assert rich_text_blocks(html) == ["First & bold", "Heading", "one", "two lines"]


def test_rich_text_keeps_text_outside_elements_and_ignores_markup_in_attributes() -> None:
    html = 'loose <a href="/x" title="<p>not text</p>">link</a><blockquote>said<p>inner</p></blockquote>'
    assert rich_text_blocks(html) == ["loose link", "said", "inner"]


def test_stream_text_reads_what_readers_see_and_nothing_else() -> None:
    raw = [
        {"type": "paragraph", "value": "<p>First &amp; <b>bold</b></p>", "id": "a"},
        {"type": "image", "value": {"image": 5, "caption": "A caption", "credit": ""}, "id": "b"},
        {"type": "quote", "value": {"quote": "Quoted", "attribution": "Someone"}, "id": "c"},
        {"type": "embed", "value": "https://www.youtube.com/watch?v=x", "id": "d"},
        {"type": "gone", "value": "<p>a block type removed since</p>", "id": "e"},
        "not a block",
    ]
    assert stream_text_blocks(BODY, raw) == ["First & bold", "A caption", "Quoted", "Someone"]


@pytest.mark.parametrize("raw", [None, "", "<p>x</p>", {"type": "paragraph"}, 5])
def test_stream_text_of_malformed_data_is_empty(raw: object) -> None:
    assert stream_text_blocks(BODY, raw) == []


def test_document_of_a_live_article_and_of_a_draft(sections: dict) -> None:
    section = sections[("en", "politics")]
    article = article_publish(
        section=section, title="Grain exports", paragraphs=["Wheat <b>sold</b> abroad.", "Second."]
    )
    article.tags.add("grain")
    article.save()
    document = article_document_build(article=article)
    assert document is not None
    assert (document.language, document.section_id, document.title) == ("en", section.pk, "Grain exports")
    assert document.body == "Wheat sold abroad.\nSecond."
    assert document.tags == ("grain",)
    article.unpublish()
    article.refresh_from_db()
    assert article_document_build(article=article) is None
