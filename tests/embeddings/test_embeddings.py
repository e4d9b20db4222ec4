"""Embedding storage, the bounded semantic selector and rank fusion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.conf import settings

from hongshu.accounts.models import User
from hongshu.embeddings import fusion, selectors, services
from hongshu.embeddings.embedder import embedder, from_bytes
from hongshu.embeddings.models import NoteEmbedding
from hongshu.embeddings.selectors import semantic_note_ids
from hongshu.notes.models import Note
from hongshu.notes.services import note_delete


@pytest.fixture(autouse=True)
def _embeddings_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # Off by default (docs/search.md); these tests measure it on. The matrix cache is per process.
    monkeypatch.setattr(settings.HONGSHU, "search_embeddings", True)
    selectors.matrix_invalidate()


def test_embedder_vectors_are_normalised_and_multilingual() -> None:
    model = embedder()
    assert model is not None
    assert model.dim == 384
    q = model.embed_query("my cat")
    p = model.embed_passages(["我家猫咪的日常，橘猫每天睡十六个小时", "sunscreen every morning"])
    assert q.shape == (384,)
    assert p.shape == (2, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    assert p[0] @ q > p[1] @ q  # the Chinese cat note is nearer to the English query


def test_rrf_rewards_agreement_and_keeps_either_list() -> None:
    fused = fusion.rrf([([1, 2, 3], 1.0), ([3, 4], 1.0)], k=60)
    assert set(fused) == {1, 2, 3, 4}
    assert max(fused, key=fused.__getitem__) == 3  # in both lists beats first in one
    assert fused[1] > fused[2]
    assert fused[4] < fused[1]


def test_note_embed_on_create_and_removed_when_deleted(
    nina: tuple[User, Any], post_note: Callable[..., Note], after_commit: Any
) -> None:
    with after_commit():
        note = post_note(nina[0], title="重庆老火锅", body="麻辣牛油锅底")
    row = NoteEmbedding.objects.get(note=note)
    assert from_bytes(row.vector).shape == (384,)
    assert row.model == "multilingual-e5-small-q4"
    with after_commit():
        note_delete(note=note, actor=nina[0])
    assert services.note_embed(note_id=note.pk) is False
    assert not NoteEmbedding.objects.filter(note=note).exists()


def test_drafts_get_no_vector(
    nina: tuple[User, Any], post_note: Callable[..., Note], after_commit: Any
) -> None:
    with after_commit():
        draft = post_note(nina[0], title="草稿火锅", draft=True)
    assert not NoteEmbedding.objects.filter(note=draft).exists()


def test_semantic_ids_cross_lingual_and_bounded_to_candidates(
    nina: tuple[User, Any], post_note: Callable[..., Note], after_commit: Any
) -> None:
    with after_commit():
        cake = post_note(nina[0], title="第一次烤蛋糕", body="戚风蛋糕塌了")
        sun = post_note(nina[0], title="Sunscreen routine", body="SPF 50 every morning")
    hits = semantic_note_ids(query="baking a cake", limit=2)
    assert [i for i, _ in hits] == [cake.pk, sun.pk]
    only = semantic_note_ids(query="baking a cake", candidate_ids=[sun.pk], limit=5)
    assert [i for i, _ in only] == [sun.pk]


def test_rebuild_and_switch_off(
    nina: tuple[User, Any], post_note: Callable[..., Note], monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = [post_note(nina[0], title=f"note {i}") for i in range(3)]  # no commit: no jobs ran
    assert NoteEmbedding.objects.count() == 0
    report = services.embeddings_rebuild(batch=2)
    assert report.notes == 3
    assert set(NoteEmbedding.objects.values_list("note_id", flat=True)) == {n.pk for n in notes}
    monkeypatch.setattr(settings.HONGSHU, "search_embeddings", False)
    assert semantic_note_ids(query="note") == []
    assert fusion.hybrid_scores(query="note", keyword_scores={1: 2.0}) == {1: 2.0}


def test_search_notes_fuses_semantic_hits_through_the_visibility_policy(
    nina: tuple[User, Any],
    ann: tuple[User, Any],
    post_note: Callable[..., Note],
    after_commit: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hongshu.search.selectors import search_notes

    with after_commit():
        cake = post_note(nina[0], title="第一次烤蛋糕", body="戚风蛋糕塌了，蛋白要打发")
        hidden = post_note(nina[0], title="巧克力蛋糕", body="烤箱一百八十度", visibility="private")
        post_note(nina[0], title="Baking notes", body="oven at 180")
    found = [n.pk for n in search_notes(viewer=ann[0], query="cake", limit=10).items]
    assert cake.pk in found
    assert hidden.pk not in found  # semantic hits pass listed_for like keyword candidates
    monkeypatch.setattr(settings.HONGSHU, "search_embeddings", False)
    keyword = [n.pk for n in search_notes(viewer=ann[0], query="cake", limit=10).items]
    assert hidden.pk not in keyword
    assert set(keyword) <= set(found)  # fusion keeps every keyword hit
