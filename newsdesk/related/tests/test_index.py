"""EditionIndex scoring parts on synthetic data: centred e5 cosines, LSA, and what is embedded."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from newsdesk.editions.analysis.embeddings import DIMENSIONS
from newsdesk.related import documents, index
from newsdesk.related.documents import ArticleText, article_terms
from newsdesk.related.index import EditionIndex, IndexedDoc


def _unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)).astype(np.float32)


def _embedded_docs(count: int, seed: int = 0) -> list[IndexedDoc]:
    rng = np.random.default_rng(seed)
    shared = rng.normal(size=DIMENSIONS) * 3  # what every text of the edition has in common
    vectors = _unit(shared + rng.normal(size=(count, DIMENSIONS)))
    return [IndexedDoc(article_id=n + 1, terms={f"w{n}": 1}, embedding=vectors[n]) for n in range(count)]


def _embeddings(docs: list[IndexedDoc]) -> np.ndarray:
    """One row per doc (every synthetic doc has an embedding)."""
    return np.vstack([d.embedding for d in docs if d.embedding is not None])


@pytest.fixture
def first_pass_only(monkeypatch) -> None:
    monkeypatch.setattr(index, "PSEUDO_FEEDBACK", 0)


def test_embeddings_are_compared_centred_on_the_edition_mean(first_pass_only) -> None:
    docs = _embedded_docs(index.CENTRE_MIN_DOCS + 20)
    edition = EditionIndex("en")
    edition.add_many(docs)
    edition.merge()
    matrix = _embeddings(docs)
    centred = _unit(matrix - matrix.mean(axis=0))
    scores = edition.similarities(docs[0])
    expected = centred @ centred[0]
    assert scores[0] == -np.inf  # the article itself
    # Words are all different, so the lexical part is 0 and the rest is the centred cosine.
    assert np.allclose(scores[1:], expected[1:], atol=1e-4)


def test_the_edition_mean_follows_removals_and_merges(first_pass_only) -> None:
    docs = _embedded_docs(index.CENTRE_MIN_DOCS + 30)
    edition = EditionIndex("en")
    edition.add_many(docs)
    edition.merge()
    for doc in docs[:10]:
        edition.remove(doc.article_id)
    kept = _embeddings(docs[10:])
    centre = edition._centre()
    assert centre is not None
    assert np.allclose(centre, kept.mean(axis=0), atol=1e-5)
    edition.merge()
    centre = edition._centre()
    assert centre is not None
    assert np.allclose(centre, kept.mean(axis=0), atol=1e-5)


def test_a_small_edition_uses_plain_cosines(first_pass_only) -> None:
    docs = _embedded_docs(10)
    edition = EditionIndex("en")
    edition.add_many(docs)
    edition.merge()
    assert edition._centre() is None
    scores = edition.similarities(docs[0])
    matrix = _embeddings(docs)
    plain = matrix @ matrix[0] - index.E5_FLOOR
    assert np.allclose(scores[1:], plain[1:], atol=1e-5)


# --- LSA -------------------------------------------------------------------------------------


def _topic_docs(count: int, seed: int = 1) -> list[IndexedDoc]:
    """Two topics, each with its own 40 words; every doc uses 12 random words of its topic."""
    rng = np.random.default_rng(seed)
    docs = []
    for n in range(count):
        topic = n % 2
        chosen = rng.choice(40, size=12, replace=False)
        docs.append(IndexedDoc(article_id=n + 1, terms={f"t{topic}w{w}": 1 for w in chosen}))
    return docs


@pytest.fixture
def small_lsa(monkeypatch, first_pass_only) -> None:
    monkeypatch.setattr(index, "LSA_MIN_DOCS", 50)
    monkeypatch.setattr(index, "LSA_DIMENSIONS", 4)
    monkeypatch.setattr(index, "LSA_MIN_TERMS", 0)
    monkeypatch.setattr(index, "LSA_FULL_TERMS", 10)


def test_lsa_relates_articles_of_a_subject_that_share_no_word(small_lsa) -> None:
    docs = _topic_docs(200)
    edition = EditionIndex("en")
    edition.add_many(docs)
    edition.merge()
    assert edition._lsa_basis is not None
    query = IndexedDoc(article_id=999, terms={"t0w0": 1, "t0w1": 1, "t0w2": 1, "t0w3": 1, "t0w4": 1})
    scores = edition.similarities(query)
    lexical = edition._lexical([edition._query_vector(query.terms)])[0]
    same_topic_no_overlap = [
        row
        for row, doc in enumerate(docs)
        if doc.article_id % 2 == 1 and not set(doc.terms) & set(query.terms)
    ]
    other_topic = [row for row, doc in enumerate(docs) if doc.article_id % 2 == 0]
    assert same_topic_no_overlap and np.allclose(lexical[same_topic_no_overlap], 0.0)
    assert scores[same_topic_no_overlap].min() > scores[other_topic].max() + 0.1


def test_lsa_projects_new_articles_like_merged_ones(small_lsa) -> None:
    docs = _topic_docs(200)
    edition = EditionIndex("en")
    edition.add_many(docs)
    edition.merge()
    copy = IndexedDoc(article_id=5000, terms=dict(docs[3].terms))
    edition.upsert(copy)  # goes to the delta, projected with the merged basis
    scores = edition.similarities(docs[7])
    # Equal but for the idf, which the new article moved a little.
    assert scores[edition.row_of[5000]] == pytest.approx(scores[edition.row_of[docs[3].article_id]], abs=0.01)


def test_lsa_stays_out_of_short_texts(monkeypatch, small_lsa) -> None:
    monkeypatch.setattr(index, "LSA_MIN_TERMS", 20)
    monkeypatch.setattr(index, "LSA_FULL_TERMS", 30)
    docs = _topic_docs(200)  # 12 words each: below LSA_MIN_TERMS
    edition = EditionIndex("en")
    edition.add_many(docs)
    edition.merge()
    query = edition._query_vector(docs[0].terms)
    gates = index._length_gate(np.array([len(docs[0].terms)]))
    assert np.allclose(edition._lexical([query], gates), edition._lexical([query]))


def test_length_gate_ramps_between_the_limits(monkeypatch) -> None:
    monkeypatch.setattr(index, "LSA_MIN_TERMS", 20)
    monkeypatch.setattr(index, "LSA_FULL_TERMS", 60)
    assert index._length_gate(np.array([5, 20, 40, 60, 500])).tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]


def test_randomised_basis_finds_the_top_singular_subspace() -> None:
    rng = np.random.default_rng(3)
    low_rank = rng.normal(size=(300, 5)) @ rng.normal(size=(5, 80)) + 0.01 * rng.normal(size=(300, 80))
    basis = index._randomised_basis(sparse.csr_matrix(low_rank.astype(np.float32)), 5, rng)
    assert basis is not None and basis.shape == (80, 5)
    _u, _s, right = np.linalg.svd(low_rank, full_matrices=False)
    # The same subspace: projecting the true top vectors onto the basis keeps them whole.
    assert np.allclose(np.linalg.norm(right[:5] @ basis, axis=1), 1.0, atol=1e-3)


# --- what an article contributes -------------------------------------------------------------


def test_kazakh_terms_also_count_as_their_roots() -> None:
    terms = article_terms(ArticleText("kk", title="Экономикалық өсу", body="экономика туралы"))
    assert terms[documents.ROOT_PREFIX + "эконо"] == documents.TITLE_WEIGHT + 1
    english = article_terms(ArticleText("en", title="Economic growth", body="the economy"))
    assert not any(t.startswith(documents.ROOT_PREFIX) for t in english)


def test_a_merge_refits_lsa_only_after_growth(small_lsa) -> None:
    docs = _topic_docs(300)
    edition = EditionIndex("en")
    edition.add_many(docs[:200])
    edition.merge()
    basis = edition._lsa_basis
    edition.add_many(docs[200:210])  # +5%: projected onto the same basis
    edition.merge()
    assert edition._lsa_basis is basis and edition._lsa_rows.shape[0] == 210
    edition.add_many(docs[210:])  # +43%: refitted
    edition.merge()
    assert edition._lsa_basis is not basis and edition._lsa_rows.shape[0] == 300
