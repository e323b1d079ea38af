from __future__ import annotations

import pytest

from newsdesk.related.index_store import index_drop_all


@pytest.fixture(autouse=True)
def words_only(settings):
    """Relevant news from words alone, so these tests never wait for the e5 model; the
    model's own tests (test_embeddings.py) opt back in."""
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    settings.RELATED_RECENCY_WEIGHT = 0.0
    index_drop_all()
    yield
    index_drop_all()
