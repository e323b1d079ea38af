"""The relevance index of one edition: sparse TF-IDF vectors plus e5 embeddings, in memory.

Scoring an article against every other live article of its edition:

    similarity = LEXICAL_WEIGHT * (cosine(tf-idf) + LSA_WEIGHT * gate * cosine(LSA))
                 + cosine(e5 - edition mean, e5 - edition mean)               [+ recency, section]

(in editions of fewer than CENTRE_MIN_DOCS embedded articles, PLAIN_LEXICAL_WEIGHT and plain
e5 cosines minus E5_FLOOR; LSA from LSA_MIN_DOCS articles, gated by text length).

tf is 1 + log(weighted count) (title, lead and tags weigh more, see documents.py); idf is
smoothed and read at query time, so adding one article changes one row and some document
frequencies, never the other rows' stored weights (their norms are refreshed by a merge).
A second pass adds the centroid of the first PSEUDO_FEEDBACK nearest items to the query
(pseudo-relevance feedback), which moved SIB-200 precision@5 by +2 to +4 points. The figures
behind every constant are in docs/search-and-related.md.

Rows are appended to a small delta and merged into the big column-major matrix when the delta
grows, so publishing one article costs milliseconds and a merge a few seconds (the LSA basis
is refitted there; articles added in between are projected onto the last basis).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from newsdesk.editions.analysis.embeddings import DIMENSIONS

LEXICAL_WEIGHT = 1.0  # with centred e5 cosines
PLAIN_LEXICAL_WEIGHT = 0.3  # with plain e5 cosines, whose spread is about a third
# e5 cosines of any two texts sit around 0.7-0.9. Once an edition has CENTRE_MIN_DOCS embedded
# articles, both sides are centred on the edition's mean embedding (kept as a running sum)
# before the cosine, which spreads the scores and removes what every article shares; below
# that, plain cosines minus E5_FLOOR are used, as a mean of a few articles says little.
E5_FLOOR = 0.75
CENTRE_MIN_DOCS = 100
QUERY_TERMS = 256
PSEUDO_FEEDBACK = 3
# Feedback presumes that the nearest items share the topic; in a small edition they are just
# the only other items.
FEEDBACK_MIN_DOCS = 100
FEEDBACK_WEIGHT = 1.0
MERGE_AT = 2000
# Latent semantic analysis: a rank-LSA_DIMENSIONS basis of the edition's tf-idf matrix, fitted
# at merge() on at most LSA_FIT_ROWS articles (randomised SVD, seconds at any size) over terms
# found in at least LSA_MIN_DF articles; a new article is projected with one sparse product.
# Cosines in that space add LSA_WEIGHT to the lexical part, scaled by the length gate of the
# shorter of the two texts: 0 up to LSA_MIN_TERMS distinct terms, 1 from LSA_FULL_TERMS. The
# topic of a sentence read from its few words is noise (it cost SIB-200 sentences 1-4 points),
# that of an article groups the same subject written in different words (BBC and Lenta gain).
LSA_DIMENSIONS = 50
LSA_WEIGHT = 0.5
LSA_MIN_TERMS = 20
LSA_FULL_TERMS = 60
LSA_MIN_DOCS = 400
LSA_FIT_ROWS = 8000
LSA_MIN_DF = 2
LSA_REFIT_GROWTH = 0.1  # refit the basis at a merge once the edition has grown by 10%
SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class IndexedDoc:
    article_id: int
    terms: Mapping[str, float]
    embedding: np.ndarray | None = None
    published: float = 0.0  # POSIX seconds
    section_id: int | None = None


@dataclass(frozen=True)
class Scoring:
    """How the final score mixes similarity with the reader's sense of "related"."""

    recency_weight: float = 0.0
    recency_days: float = 30.0
    section_bonus: float = 0.0


def _ltf(count: float) -> float:
    return 1.0 + math.log(count) if count > 0 else 0.0


class EditionIndex:
    def __init__(self, language: str) -> None:
        self.language = language
        self.vocabulary: dict[str, int] = {}
        self.df = np.zeros(0, dtype=np.float64)
        self.row_of: dict[int, int] = {}
        self.ids = np.zeros(0, dtype=np.int64)
        self.alive = np.zeros(0, dtype=bool)
        self.published = np.zeros(0, dtype=np.float64)
        self.sections = np.zeros(0, dtype=np.int64)
        # Rows beyond len(self.ids) are spare capacity, so that adding one article does not
        # copy the whole n x 384 matrix.
        self._embedding_store = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.has_embedding = np.zeros(0, dtype=bool)
        self._embedding_sum = np.zeros(DIMENSIONS, dtype=np.float64)  # over live rows
        self._embedding_count = 0
        # Transposed document matrix (rows: terms, columns: documents), so that a batch of
        # queries is one sparse product touching only the posting lists of their terms.
        self._base_t = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._delta_rows: list[tuple[np.ndarray, np.ndarray]] = []
        self._delta_matrix: sparse.csr_matrix | None = None
        # LSA (see LSA_DIMENSIONS): term id -> basis row (terms beyond it or -1: none), the
        # basis, and each row's unit projection and length gate; delta rows are projected lazily.
        self._lsa_terms = np.zeros(0, dtype=np.int64)
        self._lsa_basis: np.ndarray | None = None
        self._lsa_fitted_rows = 0
        self._lsa_rows = np.zeros((0, 0), dtype=np.float32)
        self._lsa_gate = np.zeros(0, dtype=np.float32)
        self._lsa_delta: tuple[np.ndarray, np.ndarray] | None = None
        self._row_terms: list[tuple[np.ndarray, np.ndarray]] = []  # forward copy, ltf per term
        # New rows' metadata waits in lists, so that adding n rows costs O(n), not O(n^2).
        self._pending: list[tuple[int, float, int, bool, np.ndarray]] = []
        self.live_count = 0

    # --- building ---------------------------------------------------------------------
    def __len__(self) -> int:
        return self.live_count

    def _term_ids(self, terms: Mapping[str, float], grow: bool) -> tuple[np.ndarray, np.ndarray]:
        ids, weights = [], []
        for term, count in terms.items():
            term_id = self.vocabulary.get(term)
            if term_id is None:
                if not grow:
                    continue
                term_id = self.vocabulary[term] = len(self.vocabulary)
            ids.append(term_id)
            weights.append(_ltf(count))
        if grow and len(self.vocabulary) > len(self.df):
            self.df = np.concatenate([self.df, np.zeros(len(self.vocabulary) - len(self.df))])
        return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)

    def idf(self, term_ids: np.ndarray) -> np.ndarray:
        return np.log((self.live_count + 1.0) / (self.df[term_ids] + 1.0)) + 1.0

    def _normalised(self, term_ids: np.ndarray, ltf: np.ndarray) -> np.ndarray:
        if not len(term_ids):
            return ltf
        norm = float(np.sqrt(np.sum((ltf * self.idf(term_ids)) ** 2)))
        return (ltf / norm).astype(np.float32) if norm else ltf

    def add_many(self, docs: Iterable[IndexedDoc]) -> None:
        """Add or replace documents without merging; call merge() after a bulk load."""
        for doc in docs:
            self._upsert(doc)

    @property
    def delta_size(self) -> int:
        return len(self._delta_rows)

    def upsert(self, doc: IndexedDoc) -> None:
        self._upsert(doc)
        if len(self._delta_rows) >= MERGE_AT:
            self.merge()

    def _upsert(self, doc: IndexedDoc) -> None:
        self.remove(doc.article_id)
        term_ids, ltf = self._term_ids(doc.terms, grow=True)
        self.df[term_ids] += 1
        self.live_count += 1
        self.row_of[doc.article_id] = len(self._row_terms)
        has = doc.embedding is not None
        vector = np.asarray(doc.embedding, dtype=np.float32) if has else np.zeros(DIMENSIONS, np.float32)
        if has:
            self._embedding_sum += vector
            self._embedding_count += 1
        section = -1 if doc.section_id is None else doc.section_id
        self._pending.append((doc.article_id, doc.published, section, has, vector))
        self._row_terms.append((term_ids, ltf))
        self._delta_rows.append((term_ids, self._normalised(term_ids, ltf)))
        self._delta_matrix = None

    def _flush(self) -> None:
        if not self._pending:
            return
        ids, published, sections, has, vectors = zip(*self._pending, strict=True)
        self.ids = np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)])
        self.alive = np.concatenate([self.alive, np.ones(len(ids), dtype=bool)])
        self.published = np.concatenate([self.published, np.asarray(published, dtype=np.float64)])
        self.sections = np.concatenate([self.sections, np.asarray(sections, dtype=np.int64)])
        self.has_embedding = np.concatenate([self.has_embedding, np.asarray(has, dtype=bool)])
        used = len(self.ids) - len(ids)
        if len(self.ids) > len(self._embedding_store):
            grown = np.zeros((max(len(self.ids), 2 * len(self._embedding_store), 64), DIMENSIONS), np.float32)
            grown[:used] = self._embedding_store[:used]
            self._embedding_store = grown
        self._embedding_store[used : len(self.ids)] = np.vstack(vectors)
        self._pending = []

    def _embedding_matrix(self) -> np.ndarray:
        self._flush()
        return self._embedding_store[: len(self.ids)]

    def remove(self, article_id: int) -> bool:
        row = self.row_of.pop(article_id, None)
        if row is None:
            return False
        self._flush()
        self.alive[row] = False
        if self.has_embedding[row]:
            self._embedding_sum -= self._embedding_store[row]
            self._embedding_count -= 1
        self.df[self._row_terms[row][0]] -= 1
        self.live_count -= 1
        return True

    def merge(self) -> None:
        """Fold the delta into the main matrix, drop removed rows, refresh norms with today's idf."""
        self._flush()
        keep = np.flatnonzero(self.alive)
        indptr = [0]
        indices: list[np.ndarray] = []
        data: list[np.ndarray] = []
        row_terms = []
        for row in keep:
            term_ids, ltf = self._row_terms[row]
            row_terms.append((term_ids, ltf))
            indices.append(term_ids)
            data.append(self._normalised(term_ids, ltf))
            indptr.append(indptr[-1] + len(term_ids))
        shape = (len(keep), len(self.vocabulary))
        matrix = sparse.csr_matrix(
            (
                np.concatenate(data) if data else np.zeros(0, np.float32),
                np.concatenate(indices) if indices else np.zeros(0, np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=shape,
            dtype=np.float32,
        )
        self._base_t = matrix.T.tocsr()
        self._lsa_fit(matrix)
        self.ids = self.ids[keep]
        self.alive = np.ones(len(keep), dtype=bool)
        self.published = self.published[keep]
        self.sections = self.sections[keep]
        self._embedding_store = self._embedding_store[keep]
        self.has_embedding = self.has_embedding[keep]
        # Recomputed rather than carried over, so that float error does not pile up.
        self._embedding_count = int(self.has_embedding.sum())
        self._embedding_sum = self._embedding_store[self.has_embedding].sum(axis=0, dtype=np.float64)
        self._row_terms = row_terms
        self.row_of = {int(article_id): row for row, article_id in enumerate(self.ids)}
        self._delta_rows = []
        self._delta_matrix = None
        self._lsa_delta = None

    # --- latent semantic analysis ---------------------------------------------------------
    def _lsa_fit(self, matrix: sparse.csr_matrix) -> None:
        """Project every merged row (ltf / |row|) onto the LSA basis, fitting it first unless the
        edition has grown by less than LSA_REFIT_GROWTH since the last fit (a merge then costs a
        sparse product, not a fit)."""
        rows = matrix.shape[0]
        if not LSA_WEIGHT or rows < LSA_MIN_DOCS:
            self._lsa_basis, self._lsa_fitted_rows = None, 0
            self._lsa_rows = np.zeros((0, 0), dtype=np.float32)
            self._lsa_gate = np.zeros(0, dtype=np.float32)
            return
        tfidf = (matrix @ sparse.diags(self.idf(np.arange(matrix.shape[1])).astype(np.float32))).tocsr()
        refit = self._lsa_basis is None or rows > self._lsa_fitted_rows * (1.0 + LSA_REFIT_GROWTH)
        if refit:
            kept_terms = np.flatnonzero(self.df >= LSA_MIN_DF)
            self._lsa_basis = None
            if len(kept_terms) > LSA_DIMENSIONS:
                columns = tfidf[:, kept_terms].tocsr()
                rng = np.random.default_rng(0)  # the same basis for the same articles
                sample = columns
                if rows > LSA_FIT_ROWS:
                    sample = columns[np.sort(rng.choice(rows, LSA_FIT_ROWS, replace=False))]
                self._lsa_basis = _randomised_basis(sample, LSA_DIMENSIONS, rng)
                self._lsa_terms = np.full(len(self.vocabulary), -1, dtype=np.int64)
                self._lsa_terms[kept_terms] = np.arange(len(kept_terms))
                self._lsa_fitted_rows = rows
            if self._lsa_basis is None:
                self._lsa_rows = np.zeros((0, 0), dtype=np.float32)
                self._lsa_gate = np.zeros(0, dtype=np.float32)
                return
        assert self._lsa_basis is not None
        # Terms first seen after the fit have no basis row (_lsa_terms is shorter or -1).
        mapped = self._lsa_terms[: tfidf.shape[1]]
        known = np.flatnonzero(mapped >= 0)
        self._lsa_rows = _unit_rows(
            np.asarray(tfidf[:, known] @ self._lsa_basis[mapped[known]], dtype=np.float32)
        )
        self._lsa_gate = _length_gate(np.diff(matrix.indptr))

    def _lsa_project(self, queries: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Unit LSA vectors of tf-idf vectors (term ids, weights)."""
        assert self._lsa_basis is not None
        out = np.zeros((len(queries), self._lsa_basis.shape[1]), dtype=np.float32)
        for i, (term_ids, weights) in enumerate(queries):
            known = term_ids < len(self._lsa_terms)
            rows = self._lsa_terms[term_ids[known]]
            found = rows >= 0
            if found.any():
                out[i] = weights[known][found] @ self._lsa_basis[rows[found]]
        return _unit_rows(out)

    def _lsa_scores(
        self, queries: list[tuple[np.ndarray, np.ndarray]], gates: np.ndarray
    ) -> np.ndarray | None:
        """Gated LSA cosines of each query (tf-idf weights) to every row, or None without a basis."""
        if self._lsa_basis is None:
            return None
        rows, gate = self._lsa_rows, self._lsa_gate
        extra = len(self.ids) - len(rows)
        if extra > 0:  # rows added since the fit: projected once each, the same way
            done = 0 if self._lsa_delta is None else len(self._lsa_delta[1])
            if done < extra:
                added = [self._tfidf_row(r) for r in range(len(rows) + done, len(self.ids))]
                projected = self._lsa_project(added)
                added_gate = _length_gate(np.array([len(i) for i, _ in added]))
                self._lsa_delta = (
                    projected if self._lsa_delta is None else np.vstack([self._lsa_delta[0], projected]),
                    np.concatenate(
                        [np.zeros(0) if self._lsa_delta is None else self._lsa_delta[1], added_gate]
                    ),
                )
            assert self._lsa_delta is not None
            projected = self._lsa_project(queries)
            scores = np.hstack([projected @ rows.T, projected @ self._lsa_delta[0][:extra].T])
            gate = np.concatenate([gate, self._lsa_delta[1][:extra].astype(np.float32)])
        else:
            scores = self._lsa_project(queries) @ rows.T
        return scores * np.minimum(gates[:, None], gate[None, :])

    def _tfidf_row(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        term_ids, ltf = self._row_terms[row]
        return term_ids, ltf * self.idf(term_ids).astype(np.float32)

    # --- scoring ----------------------------------------------------------------------
    def _query_vector(self, terms: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        term_ids, ltf = self._term_ids(terms, grow=False)
        if not len(term_ids):
            return term_ids, ltf
        weights = ltf * self.idf(term_ids)
        if len(term_ids) > QUERY_TERMS:
            top = np.argpartition(-weights, QUERY_TERMS)[:QUERY_TERMS]
            term_ids, weights = term_ids[top], weights[top]
        norm = float(np.linalg.norm(weights))
        # Rows store ltf / |row|; one more idf makes the product a tf-idf cosine.
        return term_ids, (weights / norm * self.idf(term_ids)).astype(np.float32)

    def _query_matrix(self, queries: list[tuple[np.ndarray, np.ndarray]]) -> sparse.csr_matrix:
        indptr = np.cumsum([0] + [len(ids) for ids, _ in queries])
        return sparse.csr_matrix(
            (
                np.concatenate([w for _, w in queries]) if queries else np.zeros(0, np.float32),
                np.concatenate([ids for ids, _ in queries]) if queries else np.zeros(0, np.int32),
                indptr,
            ),
            shape=(len(queries), len(self.vocabulary)),
            dtype=np.float32,
        )

    def _lexical(
        self,
        queries: list[tuple[np.ndarray, np.ndarray]],
        gates: np.ndarray | None = None,
        scale: float = 1.0,
    ) -> np.ndarray:
        """tf-idf cosines (divided by `scale`) plus the gated LSA part, one row per query, one
        column per document row. `gates`: each query's LSA length gate (none: no LSA part)."""
        self._flush()
        scores = np.zeros((len(queries), len(self.ids)), dtype=np.float32)
        if not queries:
            return scores
        matrix = self._query_matrix(queries)
        base_terms, base_rows = self._base_t.shape
        if base_rows:
            scores[:, :base_rows] = (matrix[:, :base_terms] @ self._base_t).toarray()
        if self._delta_rows:
            if self._delta_matrix is None:
                self._delta_matrix = self._delta_csr()
            delta = self._delta_matrix
            scores[:, base_rows:] = (matrix[:, : delta.shape[1]] @ delta.T).toarray()
        if scale != 1.0:
            scores /= scale
        if gates is not None:
            # Query weights carry idf twice (see _query_vector); LSA wants plain tf-idf.
            plain = [(ids, w / self.idf(ids).astype(np.float32)) for ids, w in queries]
            lsa = self._lsa_scores(plain, gates)
            if lsa is not None:
                scores += LSA_WEIGHT * lsa
        return scores

    def _delta_csr(self) -> sparse.csr_matrix:
        indptr = np.cumsum([0] + [len(ids) for ids, _ in self._delta_rows])
        return sparse.csr_matrix(
            (
                np.concatenate([w for _, w in self._delta_rows]),
                np.concatenate([ids for ids, _ in self._delta_rows]),
                indptr,
            ),
            shape=(len(self._delta_rows), len(self.vocabulary)),
            dtype=np.float32,
        )

    def _centre(self) -> np.ndarray | None:
        """The edition's mean embedding, or None while it has too few embedded articles."""
        if self._embedding_count < CENTRE_MIN_DOCS:
            return None
        return (self._embedding_sum / self._embedding_count).astype(np.float32)

    def _query_embedding(self, embedding: np.ndarray | None, centre: np.ndarray | None) -> np.ndarray | None:
        """A query's embedding in the space rows are compared in (centred, unit length)."""
        if embedding is None:
            return None
        vector = np.asarray(embedding, np.float32)
        if centre is not None:
            vector = vector - centre
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else None

    def _row_embeddings(self, rows: np.ndarray, centre: np.ndarray | None) -> np.ndarray:
        """Some rows' embeddings in the comparison space (rows without one: zeros)."""
        vectors = self._embedding_matrix()[rows]
        if centre is None:
            return vectors
        vectors = vectors - centre
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        vectors[~self.has_embedding[rows]] = 0.0
        return vectors

    def _semantic(self, queries: list[np.ndarray | None], centre: np.ndarray | None) -> np.ndarray | None:
        """e5 cosines of each query to every row (centred, or plain minus E5_FLOOR); 0 for rows
        or queries without an embedding. Queries come from _query_embedding."""
        if all(q is None for q in queries) or not self.has_embedding.any():
            return None
        matrix = np.vstack([np.zeros(DIMENSIONS, np.float32) if q is None else q for q in queries])
        rows = self._embedding_matrix()
        scores = matrix @ rows.T
        if centre is None:
            scores -= E5_FLOOR
        else:
            # (q . (d - c)) / |d - c| without materialising the centred n x 384 matrix; rows are
            # unit vectors, so |d - c|^2 = 1 - 2 d.c + c.c.
            row_centre = rows @ centre
            norms = np.sqrt(np.maximum(1.0 - 2.0 * row_centre + float(centre @ centre), 1e-12))
            scores = (scores - (matrix @ centre)[:, None]) / norms[None, :]
        if not self.has_embedding.all():
            scores[:, ~self.has_embedding] = 0.0
        scores[[q is None for q in queries], :] = 0.0
        return scores.astype(np.float32, copy=False)

    def _combine(
        self, lexical: np.ndarray, semantic: np.ndarray | None, centre: np.ndarray | None
    ) -> np.ndarray:
        if semantic is None:
            return lexical
        return (LEXICAL_WEIGHT if centre is not None else PLAIN_LEXICAL_WEIGHT) * lexical + semantic

    def _mask(self, scores: np.ndarray, docs: Sequence[IndexedDoc]) -> None:
        scores[:, ~self.alive] = -np.inf
        for i, doc in enumerate(docs):
            row = self.row_of.get(doc.article_id)
            if row is not None:
                scores[i, row] = -np.inf

    def similarities_many(self, docs: Sequence[IndexedDoc]) -> np.ndarray:
        """Content similarity of each doc to every row (removed rows and the doc itself: -inf)."""
        queries = [self._query_vector(doc.terms) for doc in docs]
        gates = _length_gate(np.array([len(doc.terms) for doc in docs]))
        centre = self._centre()
        embeddings = [self._query_embedding(doc.embedding, centre) for doc in docs]
        scores = self._combine(self._lexical(queries, gates), self._semantic(embeddings, centre), centre)
        self._mask(scores, docs)
        if not PSEUDO_FEEDBACK or self.live_count < FEEDBACK_MIN_DOCS:
            return scores
        feedback = np.argpartition(-scores, PSEUDO_FEEDBACK, axis=1)[:, :PSEUDO_FEEDBACK]
        expanded, expanded_embeddings = [], []
        for i, rows in enumerate(feedback):
            rows = rows[np.isfinite(scores[i, rows])]
            expanded.append(self._expanded_query(queries[i], rows))
            embedding = embeddings[i]
            with_vectors = rows[self.has_embedding[rows]]
            if embedding is not None and len(with_vectors):
                embedding = embedding + FEEDBACK_WEIGHT * self._row_embeddings(with_vectors, centre).mean(
                    axis=0
                )
                embedding = embedding / (np.linalg.norm(embedding) or 1.0)
            expanded_embeddings.append(embedding)
        lexical = self._lexical(expanded, gates, scale=1.0 + FEEDBACK_WEIGHT)
        scores = self._combine(lexical, self._semantic(expanded_embeddings, centre), centre)
        self._mask(scores, docs)
        return scores

    def _expanded_query(
        self, query: tuple[np.ndarray, np.ndarray], rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The query plus the mean of the feedback rows' own query vectors."""
        term_ids, weights = query
        if not len(rows):
            return query
        expanded: dict[int, float] = dict(zip(term_ids.tolist(), weights.tolist(), strict=True))
        share = FEEDBACK_WEIGHT / len(rows)
        for row in rows:
            row_ids, row_ltf = self._row_terms[row]
            if not len(row_ids):
                continue
            idf = self.idf(row_ids)
            row_weights = row_ltf * idf
            row_weights = row_weights / (np.linalg.norm(row_weights) or 1.0) * idf
            for term_id, weight in zip(row_ids.tolist(), row_weights.tolist(), strict=True):
                expanded[term_id] = expanded.get(term_id, 0.0) + share * weight
        ids = np.fromiter(expanded.keys(), dtype=np.int32, count=len(expanded))
        values = np.fromiter(expanded.values(), dtype=np.float32, count=len(expanded))
        if len(ids) > QUERY_TERMS:  # the scoring cost grows with the query's posting lists
            top = np.argpartition(-values, QUERY_TERMS)[:QUERY_TERMS]
            ids, values = ids[top], values[top]
        return ids, values

    def similarities(self, doc: IndexedDoc) -> np.ndarray:
        return self.similarities_many([doc])[0]

    def final_scores_many(self, docs: Sequence[IndexedDoc], scoring: Scoring) -> np.ndarray:
        scores = self.similarities_many(docs)
        if scoring.recency_weight:
            published = np.array([d.published for d in docs], dtype=np.float64)[:, None]
            days = np.abs(self.published[None, :] - published) / SECONDS_PER_DAY
            recency = scoring.recency_weight * np.exp(-days / scoring.recency_days)
            recency[published[:, 0] == 0, :] = 0.0
            scores = scores + recency.astype(np.float32)
        if scoring.section_bonus:
            for i, doc in enumerate(docs):
                if doc.section_id is not None:
                    scores[i] += scoring.section_bonus * (self.sections == doc.section_id)
        return scores

    def nearest(
        self, doc: IndexedDoc, *, limit: int, scoring: Scoring | None = None, exclude: Sequence[int] = ()
    ) -> list[tuple[int, float]]:
        """The `limit` best (article id, score) pairs for `doc`, best first."""
        return self.nearest_many([doc], limit=limit, scoring=scoring, excludes=[exclude])[0]

    def nearest_many(
        self,
        docs: Sequence[IndexedDoc],
        *,
        limit: int,
        scoring: Scoring | None = None,
        excludes: Sequence[Sequence[int]] | None = None,
    ) -> list[list[tuple[int, float]]]:
        """`nearest` for a batch of docs at once (one sparse and one dense product per pass)."""
        if not docs:
            return []
        scores = self.final_scores_many(docs, scoring or Scoring())
        for i, exclude in enumerate(excludes or []):
            for article_id in exclude:
                row = self.row_of.get(article_id)
                if row is not None:
                    scores[i, row] = -np.inf
        return [self._top(row_scores, limit) for row_scores in scores]

    def _top(self, scores: np.ndarray, limit: int) -> list[tuple[int, float]]:
        limit = min(limit, len(scores))
        if limit <= 0:
            return []
        top = np.argpartition(-scores, limit - 1)[:limit] if limit < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.ids[row]), float(scores[row])) for row in top if np.isfinite(scores[row])]


def _length_gate(distinct_terms: np.ndarray) -> np.ndarray:
    """How much the LSA part counts for texts of these many distinct terms (0 to 1)."""
    ramp = (np.asarray(distinct_terms, dtype=np.float32) - LSA_MIN_TERMS) / (LSA_FULL_TERMS - LSA_MIN_TERMS)
    return np.clip(ramp, 0.0, 1.0).astype(np.float32)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _randomised_basis(matrix: sparse.csr_matrix, rank: int, rng: np.random.Generator) -> np.ndarray | None:
    """The top `rank` right singular vectors of a sparse matrix (terms x rank), by a randomised
    range finder with two power iterations (Halko, Martinsson and Tropp 2011)."""
    width = min(rank + 10, *matrix.shape)
    if width <= rank:
        return None
    # Only the thin documents-side matrices are orthonormalised; the terms side (100,000+
    # rows) is reached through products, and its SVD through the small width x width Gram.
    sketch = np.asarray(matrix @ rng.standard_normal((matrix.shape[1], width)).astype(np.float32))
    basis, _ = np.linalg.qr(sketch)
    for _ in range(2):
        basis, _ = np.linalg.qr(np.asarray(matrix @ np.asarray(matrix.T @ basis)))
    small = np.asarray(matrix.T @ basis, dtype=np.float64)  # terms x width
    values, vectors = np.linalg.eigh(small.T @ small)
    top = np.argsort(values)[::-1][:rank]
    if values[top[-1]] <= 1e-12:
        return None
    right = small @ (vectors[:, top] / np.sqrt(values[top]))
    return np.ascontiguousarray(right, dtype=np.float32)
