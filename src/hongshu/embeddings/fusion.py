"""Reciprocal-rank fusion of the keyword ranking and the semantic ranking.

RRF uses ranks only, so the keyword engine's scores (column × term weights) and cosines (0.7–0.9 for e5)
need no calibration against each other: score(d) = Σ weight / (RRF_K + rank of d in each list).
Semantic hits below MIN_COSINE are dropped: e5 returns *some* nearest neighbour for any query, and
unrelated notes would otherwise enter every result list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hongshu.embeddings.selectors import semantic_note_ids

RRF_K = 60
KEYWORD_WEIGHT = 1.0
SEMANTIC_WEIGHT = 1.0
SEMANTIC_LIMIT = 20  # semantic hits fused per query
MIN_COSINE = 0.80  # measured on tests/embeddings/corpus.py; see docs/search.md


def rrf(rankings: Sequence[tuple[Sequence[int], float]], *, k: int = RRF_K) -> dict[int, float]:
    """id → fused score over (ranked ids, weight) lists; ids missing from a list get nothing from it."""
    fused: dict[int, float] = {}
    for ids, weight in rankings:
        for rank, note_id in enumerate(ids, start=1):
            fused[note_id] = fused.get(note_id, 0.0) + weight / (k + rank)
    return fused


def semantic_hits(query: str) -> list[int]:
    return [i for i, score in semantic_note_ids(query=query, limit=SEMANTIC_LIMIT) if score >= MIN_COSINE]


def hybrid_scores(*, query: str, keyword_scores: Mapping[int, float]) -> dict[int, float]:
    """Fused id → score (keyword candidates plus semantic hits), to be ranked and visibility-filtered next.

    Returns `keyword_scores` unchanged when embeddings are off or find nothing.
    """
    semantic = semantic_hits(query)
    if not semantic:
        return dict(keyword_scores)
    keyword = sorted(keyword_scores, key=lambda i: (-keyword_scores[i], -i))
    return rrf([(keyword, KEYWORD_WEIGHT), (semantic, SEMANTIC_WEIGHT)])


def hybrid_ids(*, query: str, keyword_ids: Sequence[int]) -> list[int]:
    """Keyword ids (best first) fused with semantic hits, best first."""
    fused = rrf([(keyword_ids, KEYWORD_WEIGHT), (semantic_hits(query), SEMANTIC_WEIGHT)])
    return sorted(fused, key=lambda i: (-fused[i], -i))
