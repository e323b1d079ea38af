"""The same story from two partners: MinHash over word shingles, banded (LSH) lookup.

An item's signature is NUM_PERM minima of hashed word 3-shingles (512 bytes, kept on the
WireItem); the share of equal positions estimates the Jaccard similarity of the two texts.
`SignatureIndex` finds candidates through BANDS bands of ROWS rows (any equal band makes a
candidate: about a 40% Jaccard similarity to be likely found) and confirms them by the
estimate, so a look-up costs a few binary searches however many signatures it holds
(benchmarks/bench_wires.py). numpy only: no new dependency. docs/wires.md.
"""

from __future__ import annotations

import zlib

import numpy as np

from newsdesk.editions.analysis.tokens import words

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 3
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20261202)
_A = _rng.integers(1, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> set[int]:
    """32-bit hashes of the text's runs of `size` normalised words (fewer words: the whole)."""
    tokens = words(text)
    if len(tokens) < size:
        return {zlib.crc32(" ".join(tokens).encode())} if tokens else set()
    return {zlib.crc32(" ".join(tokens[i : i + size]).encode()) for i in range(len(tokens) - size + 1)}


def signature_of(text: str) -> np.ndarray:
    """The MinHash signature of a text: NUM_PERM uint32 values (all 0xFFFFFFFF for no words)."""
    hashed = shingles(text)
    if not hashed:
        return _EMPTY.copy()
    values = np.fromiter(hashed, dtype=np.uint64, count=len(hashed))
    # (a*x + b) mod p for each permutation; a, x < 2**32 so the product fits in 64 bits.
    permuted = (np.outer(_A, values) + _B[:, None]) % _PRIME
    return (permuted.min(axis=1) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def signature_to_bytes(signature: np.ndarray) -> bytes:
    return signature.astype("<u4").tobytes()


def signature_from_bytes(blob: bytes | memoryview | None) -> np.ndarray | None:
    if blob is None or len(blob) != NUM_PERM * 4:
        return None
    return np.frombuffer(bytes(blob), dtype="<u4").astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two texts."""
    if bool((a == _EMPTY).all()) or bool((b == _EMPTY).all()):
        return 0.0
    return float(np.count_nonzero(a == b)) / NUM_PERM


def _band_keys(matrix: np.ndarray) -> np.ndarray:
    """One uint64 per (row, band): the band's ROWS values mixed together."""
    bands = matrix.reshape(matrix.shape[0], BANDS, ROWS).astype(np.uint64)
    keys = np.zeros(bands.shape[:2], dtype=np.uint64)
    for column in range(ROWS):
        keys = (keys * _MIX) ^ bands[:, :, column]
    return keys


class SignatureIndex:
    """Signatures of earlier items, searchable for the most similar one above a threshold."""

    def __init__(self, ids: list[int], matrix: np.ndarray) -> None:
        self.ids = list(ids)
        self.matrix = matrix.reshape(len(self.ids), NUM_PERM).astype(np.uint32)
        keys = _band_keys(self.matrix)
        self._order = np.argsort(keys, axis=0, kind="stable")
        self._sorted = np.take_along_axis(keys, self._order, axis=0)

    @classmethod
    def build(cls, rows: list[tuple[int, bytes | memoryview | None]]) -> SignatureIndex:
        ids: list[int] = []
        vectors: list[np.ndarray] = []
        for pk, blob in rows:
            signature = signature_from_bytes(blob)
            if signature is not None and not bool((signature == _EMPTY).all()):
                ids.append(pk)
                vectors.append(signature)
        matrix = np.vstack(vectors) if vectors else np.zeros((0, NUM_PERM), dtype=np.uint32)
        return cls(ids, matrix)

    def __len__(self) -> int:
        return len(self.ids)

    def find(self, signature: np.ndarray, *, threshold: float) -> tuple[int, float] | None:
        """The id of the most similar signature with at least `threshold`, and its similarity."""
        if not self.ids or bool((signature == _EMPTY).all()):
            return None
        query = _band_keys(signature.reshape(1, NUM_PERM))[0]
        candidates: set[int] = set()
        for band in range(BANDS):
            column = self._sorted[:, band]
            lo = int(np.searchsorted(column, query[band], side="left"))
            hi = int(np.searchsorted(column, query[band], side="right"))
            candidates.update(self._order[lo:hi, band].tolist())
        if not candidates:
            return None
        rows = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        scores = np.count_nonzero(self.matrix[rows] == signature, axis=1) / NUM_PERM
        best = int(np.argmax(scores))
        if scores[best] < threshold:
            return None
        return self.ids[int(rows[best])], float(scores[best])
