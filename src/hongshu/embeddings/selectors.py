"""Semantic reads: cosine similarity of the query vector against a BOUNDED set of note vectors, in numpy.

There is no vector index (no pgvector). Two bounded paths:
- `candidate_ids` given: only those notes' vectors are read and scored (at most len(candidate_ids) rows);
- otherwise the process-level matrix of the MATRIX_BOUND most recent notes' vectors is scored
  (20,000 × 384 float32 = 30 MB, one matrix-vector product ≈ a few ms). It is reloaded when older than
  MATRIX_TTL seconds, or at once in the process that wrote a vector. Older notes are reached semantically
  only when they are keyword candidates.
Notes are returned as ids: the caller MUST pass them through the visibility policy (`listed_for`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hongshu.embeddings.embedder import embedder, from_bytes
from hongshu.embeddings.models import NoteEmbedding

MATRIX_BOUND = 20_000
MATRIX_TTL = 60.0


@dataclass(frozen=True)
class _Matrix:
    ids: np.ndarray  # (n,) int64
    vectors: np.ndarray  # (n, dim) float32
    loaded_at: float


_matrix: _Matrix | None = None
_lock = threading.Lock()


def matrix_invalidate() -> None:
    global _matrix  # noqa: PLW0603 - one cache per process
    _matrix = None


def _load(rows: Sequence[tuple[int, bytes | memoryview]], dim: int) -> tuple[np.ndarray, np.ndarray]:
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    vectors = np.zeros((len(rows), dim), dtype=np.float32)
    for i, (_, data) in enumerate(rows):
        vector = from_bytes(data)
        if vector.shape == (dim,):
            vectors[i] = vector
    return ids, vectors


def _recent_matrix(dim: int) -> _Matrix:
    global _matrix  # noqa: PLW0603 - one cache per process
    with _lock:
        current = _matrix
        if current is None or time.monotonic() - current.loaded_at > MATRIX_TTL:
            rows = list(
                NoteEmbedding.objects.order_by("-note_id").values_list("note_id", "vector")[:MATRIX_BOUND]
            )
            ids, vectors = _load(rows, dim)
            current = _Matrix(ids=ids, vectors=vectors, loaded_at=time.monotonic())
            _matrix = current
        return current


def semantic_note_ids(
    *, query: str, candidate_ids: Sequence[int] | None = None, limit: int = 50
) -> list[tuple[int, float]]:
    """(note id, cosine) best first, at most `limit`; empty when embeddings are off or the query is blank."""
    model = embedder()
    if model is None or not query.strip() or limit <= 0:
        return []
    q = model.embed_query(query[:500])
    if candidate_ids is not None:
        rows = list(
            NoteEmbedding.objects.filter(note_id__in=list(candidate_ids)).values_list("note_id", "vector")
        )
        ids, vectors = _load(rows, model.dim)
    else:
        matrix = _recent_matrix(model.dim)
        ids, vectors = matrix.ids, matrix.vectors
    if len(ids) == 0:
        return []
    scores = vectors @ q
    k = min(limit, len(ids))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(ids[i]), float(scores[i])) for i in top]
