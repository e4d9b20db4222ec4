"""What embeddings add: recall@10 and MRR of keyword-only, embeddings-only and hybrid search on a fixed
bilingual corpus (tests/embeddings/hybrid_corpus.py), per category. Numbers are printed (`-s`) and in docs/search.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from hybrid_corpus import NOTES, QUERIES

from hongshu.accounts.models import User
from hongshu.embeddings import fusion, selectors
from hongshu.embeddings.selectors import semantic_note_ids
from hongshu.notes.models import Note
from hongshu.search.selectors import search_notes

K = 10


@pytest.fixture(autouse=True)
def _embeddings_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # Off by default (docs/search.md); these tests measure it on. The matrix cache is per process.
    monkeypatch.setattr(settings.HONGSHU, "search_embeddings", True)
    selectors.matrix_invalidate()


def _metrics(ranked: list[int], relevant: set[int]) -> tuple[float, float]:
    top = ranked[:K]
    recall = len(relevant & set(top)) / len(relevant)
    rr = next((1.0 / r for r, i in enumerate(top, start=1) if i in relevant), 0.0)
    return recall, rr


@pytest.fixture
def corpus(nina: tuple[User, Any], post_note: Callable[..., Note], after_commit: Any) -> dict[str, int]:
    author = nina[0]
    with after_commit():
        notes = {key: post_note(author, title=title, body=body) for key, (title, body) in NOTES.items()}
    return {key: note.pk for key, note in notes.items()}


def _keyword(viewer: User, query: str, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    with monkeypatch.context() as m:
        m.setattr(settings.HONGSHU, "search_embeddings", False)
        return [n.pk for n in search_notes(viewer=viewer, query=query, limit=50).items]


def _hybrid(viewer: User, query: str, keyword: list[int]) -> list[int]:
    # What the hook in search_notes does: fuse, then the visibility policy filters the fused ids.
    fused = fusion.hybrid_ids(query=query, keyword_ids=keyword)
    visible = set(Note.objects.listed_for(viewer).filter(pk__in=fused).values_list("pk", flat=True))
    return [i for i in fused if i in visible]


def test_hybrid_gain(corpus: dict[str, int], nina: tuple[User, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    viewer = nina[0]
    totals: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for query, category, keys in QUERIES:
        relevant = {corpus[k] for k in keys}
        keyword = _keyword(viewer, query, monkeypatch)
        semantic = [i for i, _ in semantic_note_ids(query=query, limit=K)]
        hybrid = _hybrid(viewer, query, keyword)
        for name, ranked in (("keyword", keyword), ("embeddings", semantic), ("hybrid", hybrid)):
            totals[(category, name)].append(_metrics(ranked, relevant))
            totals[("all", name)].append(_metrics(ranked, relevant))

    def mean(category: str, name: str, which: int) -> float:
        rows = totals[(category, name)]
        return sum(r[which] for r in rows) / len(rows)

    print(
        f"\n{'category':<11} {'n':>2}  " + "  ".join(f"{n:>17}" for n in ("keyword", "embeddings", "hybrid"))
    )
    for category in ("zh", "en", "cross", "paraphrase", "all"):
        cells = "  ".join(
            f"R {mean(category, n, 0):.2f} MRR {mean(category, n, 1):.2f}"
            for n in ("keyword", "embeddings", "hybrid")
        )
        print(f"{category:<11} {len(totals[(category, 'keyword')]):>2}  {cells}")

    # Hybrid must not cost the keyword engine's own queries much, and must win where keywords cannot reach.
    assert mean("all", "hybrid", 0) >= mean("all", "keyword", 0) - 0.02
    assert mean("all", "hybrid", 1) >= mean("all", "keyword", 1) - 0.05
    assert mean("cross", "hybrid", 0) > mean("cross", "keyword", 0)
