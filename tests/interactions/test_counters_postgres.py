"""A viral note on real PostgreSQL: many threads like (and unlike) it at once while counters are reconciled.

Every thread has its own connection and commits for real (`transactional_db`). The final count must be
exact, no writer may fail (a deadlock or serialization failure would surface as an exception), and the
writes must really have spread over several counter rows.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from hongshu.accounts.models import User
from hongshu.interactions import services as interactions
from hongshu.interactions.models import Like, NoteCounter
from hongshu.interactions.selectors import note_counts
from hongshu.notes.models import Note

pytestmark = pytest.mark.postgres
THREADS = 12
LIKES_PER_THREAD = 15
UNLIKES_PER_THREAD = 3


def run_in_threads(count: int, work: Any) -> list[BaseException]:
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(index: int) -> None:
        try:
            start.wait(timeout=30)
            work(index)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return errors


def test_concurrent_likes_of_one_note_are_counted_exactly(transactional_db: None, post_note: Any) -> None:
    assert connection.vendor == "postgresql"
    author = User.objects.create(handle="viral_author")
    note: Note = post_note(author, "viral")
    fans = User.objects.bulk_create(
        [User(handle=f"fan_{t}_{i}") for t in range(THREADS) for i in range(LIKES_PER_THREAD)]
    )
    likers_done = threading.Semaphore(0)
    reconciles = []

    def work(index: int) -> None:
        if index == THREADS:
            # One more thread reconciles over and over while the likes land, until every liker is done.
            for _ in range(THREADS):
                while not likers_done.acquire(timeout=0):
                    reconciles.append(interactions.counter_reconcile(note_ids=[note.pk]))
            return
        try:
            mine = fans[index * LIKES_PER_THREAD : (index + 1) * LIKES_PER_THREAD]
            for fan in mine:
                interactions.like_create(user=fan, note_id=note.pk)
            for fan in mine[:UNLIKES_PER_THREAD]:
                interactions.like_delete(user=fan, note_id=note.pk)
        finally:
            likers_done.release()

    errors = run_in_threads(THREADS + 1, work)
    assert not errors, errors
    expected = THREADS * (LIKES_PER_THREAD - UNLIKES_PER_THREAD)
    assert Like.objects.filter(note=note).count() == expected
    assert note_counts(note_ids=[note.pk])[note.pk].likes == expected
    assert reconciles, "the reconciler never ran during the storm"
    assert not any(reconciles), "a reconciliation found drift: some like was counted twice or not at all"
    # A last reconciliation finds nothing to repair and folds the shards into one row.
    assert interactions.counter_reconcile(note_ids=[note.pk]) == 0
    assert list(NoteCounter.objects.filter(note=note).values_list("shard", "likes")) == [(0, expected)]


def test_concurrent_likes_spread_over_shards(transactional_db: None, post_note: Any) -> None:
    author = User.objects.create(handle="spread_author")
    note: Note = post_note(author, "spread")
    fans = User.objects.bulk_create([User(handle=f"spread_{i}") for i in range(THREADS * 5)])

    def like(index: int) -> None:
        for fan in fans[index * 5 : (index + 1) * 5]:
            interactions.like_create(user=fan, note_id=note.pk)

    assert not run_in_threads(THREADS, like)
    shards = NoteCounter.objects.filter(note=note)
    assert shards.count() > 4  # 60 likes on 16 shards: writers did not all queue on one row
    assert sum(shards.values_list("likes", flat=True)) == THREADS * 5
