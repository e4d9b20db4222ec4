"""`backends.candidates` returns exactly its three tiers' newest matches, on either engine, whichever way the
engine reaches them (PostgreSQL's every-word tier reads its copy of the newest notes first, then falls back to
the GIN bitmap for older ones: a small RECENT_WINDOW here makes both steps run)."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongshu.search import backends
from hongshu.search.pipeline import QueryTerm

VOCABULARY = ["火锅", "hotpot", "咖啡", "coffe", "周末", "weekend", "🔥", "#探店"]
words = st.lists(st.sampled_from(VOCABULARY), max_size=4).map(" ".join)
rows = st.lists(st.tuples(words, words, words), min_size=1, max_size=60)
query = st.lists(
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=2, unique=True), min_size=1, max_size=3
)


def expected(indexed: list[backends.IndexRow], groups: list[list[str]], limit: int) -> set[int]:
    """The tiers of `candidates`' docstring, by brute force."""
    newest = sorted(indexed, key=lambda r: -r.note_id)

    def has(row: backends.IndexRow, tokens: list[str], *, title_only: bool = False) -> bool:
        columns = (row.title, row.topics) if title_only else (row.title, row.topics, row.body)
        return any(token in column.split() for column in columns for token in tokens)

    anything = [t for group in groups for t in group]
    found = {r.note_id for r in newest if has(r, anything)}
    tiers = [sorted(found, reverse=True)[:limit]]
    tiers.append([r.note_id for r in newest if has(r, anything, title_only=True)][: max(1, limit // 2)])
    if len(groups) > 1:
        every = [r.note_id for r in newest if all(has(r, group) for group in groups)]
        tiers.append(every[: max(1, limit // 2)])
    return {note_id for tier in tiers for note_id in tier}


def _assert_recent_copy_is_the_newest(*, window: int) -> None:
    """PostgreSQL: search_note_recent holds every indexed note at or above its floor, and at most `window`."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT note_id FROM search_note_recent_floor")
        (floor,) = cursor.fetchone()
        cursor.execute("SELECT note_id FROM search_note_recent WHERE note_id >= %s ORDER BY 1", [floor])
        recent = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT note_id FROM search_note_pg WHERE note_id >= %s ORDER BY 1", [floor])
        assert recent == [row[0] for row in cursor.fetchall()]
    assert len(recent) <= window


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_candidates_are_each_tiers_newest_matches(
    db: None, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    monkeypatch.setattr(backends, "RECENT_WINDOW", data.draw(st.integers(1, 30), label="window"))
    drawn = data.draw(rows, label="rows")
    indexed = [backends.IndexRow(i + 1, *texts) for i, texts in enumerate(drawn)]
    backends.index_clear()
    # Indexed in any order and in batches (an old note edited, a draft published late), some removed again.
    # A rebuild's end (`index_optimize`) copies the newest notes; puts after it keep the copy current.
    order = data.draw(st.permutations(indexed), label="order")
    batch = data.draw(st.integers(1, 20), label="batch")
    optimized_after = data.draw(st.integers(0, len(order)), label="optimized after")
    for start in range(0, len(order), batch):
        if start <= optimized_after < start + batch:
            backends.index_put(order[start:optimized_after])
            backends.index_optimize()
            backends.index_put(order[optimized_after : start + batch])
        else:
            backends.index_put(order[start : start + batch])
    removed = data.draw(st.sets(st.sampled_from([r.note_id for r in indexed])), label="removed")
    backends.index_remove(sorted(removed))
    indexed = [r for r in indexed if r.note_id not in removed]
    _assert_recent_copy_is_the_newest(window=backends.RECENT_WINDOW)
    groups = data.draw(query, label="query")
    limit = data.draw(st.integers(2, 12), label="limit")
    terms = [QueryTerm(token, 1.0, g) for g, tokens in enumerate(groups) for token in tokens]
    got = backends.candidates(terms, limit=limit)
    assert {c.note_id for c in got} == expected(indexed, groups, limit)
    assert len(got) == len({c.note_id for c in got})  # merged, each note once


@pytest.mark.parametrize("window", [1, 3, 100])
def test_every_word_matches_older_than_the_probe_are_found(
    db: None, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """The newest notes mention one word; only older ones have both, below the PostgreSQL probe's window."""
    monkeypatch.setattr(backends, "RECENT_WINDOW", window)
    both = [backends.IndexRow(i, "火锅 咖啡", "", "") for i in range(1, 6)]
    one = [backends.IndexRow(i, "火锅", "", "") for i in range(6, 41)]
    backends.index_put([*both, *one])
    got = backends.candidates([QueryTerm("火锅", 1.0, 0), QueryTerm("咖啡", 1.0, 1)], limit=4)
    assert sorted(c.note_id for c in got) == [4, 5, 37, 38, 39, 40]
