"""The note index queue: every change queues the note in its own transaction; drains index it in batches."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.notes.models import Note, PendingNoteIndex
from hongshu.notes.services import note_delete, note_update
from hongshu.search.selectors import search_notes
from hongshu.search.services import CLAIM_LEASE, notes_index_pending

pytestmark = pytest.mark.django_db
AfterCommit = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def cook(db: None) -> User:
    return account_create(handle="chef", password="a long test password 1")


def found(query: str) -> list[str]:
    return [n.title for n in search_notes(viewer=None, query=query, limit=50).items]


def test_a_note_change_queues_it_and_the_job_after_commit_drains_the_queue(
    cook: User, post_note: Callable[..., Note], after_commit: AfterCommit
) -> None:
    with after_commit():
        note = post_note(cook, title="dumplings, rainy day")
    assert found("dumplings") == ["dumplings, rainy day"]
    assert not PendingNoteIndex.objects.exists()

    with after_commit():
        note_update(note=note, editor=cook, title="noodles, rainy day")
    assert found("dumplings") == []
    assert found("noodles") == ["noodles, rainy day"]

    with after_commit():
        note_delete(note=note, actor=cook)
    assert found("noodles") == []
    assert not PendingNoteIndex.objects.exists()


def test_a_rolled_back_change_queues_nothing(cook: User, post_note: Callable[..., Note]) -> None:
    def publish_then_fail() -> None:
        with transaction.atomic():
            post_note(cook, title="never published")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        publish_then_fail()
    assert not PendingNoteIndex.objects.exists()


def test_one_drain_indexes_a_batch_in_a_fixed_number_of_queries(
    cook: User, post_note: Callable[..., Note]
) -> None:
    def drain_queries(count: int) -> int:
        # No after_commit: the notes are queued, but no job ran yet.
        for i in range(count):
            post_note(cook, title=f"bao {i}", body=f"#food steamed bao number {i}")
        assert PendingNoteIndex.objects.count() == count
        with CaptureQueriesContext(connection) as queries:
            assert notes_index_pending(batch=500) == count
        assert not PendingNoteIndex.objects.exists()
        return len(queries.captured_queries)

    post_note(cook, title="bao", body="#food")
    notes_index_pending()  # the topic's own keys are written once, by the first note that has it
    few = drain_queries(2)
    many = drain_queries(25)
    assert few == many, (few, many)
    assert len(found("bao")) == 28


def test_a_drain_works_in_batches_and_indexes_a_note_queued_twice_once_per_batch(
    cook: User, post_note: Callable[..., Note]
) -> None:
    notes = [post_note(cook, title=f"hotpot {i}") for i in range(5)]
    PendingNoteIndex.objects.create(note_id=notes[0].pk)  # queued again, e.g. edited before any drain
    assert notes_index_pending(batch=10) == 5
    PendingNoteIndex.objects.bulk_create(
        [PendingNoteIndex(note_id=n.pk) for n in notes] + [PendingNoteIndex(note_id=notes[0].pk)]
    )
    assert notes_index_pending(batch=2) == 6  # batches [0, 1] [2, 3] [4, 0]: the last one holds 0 again
    assert sorted(found("hotpot")) == [f"hotpot {i}" for i in range(5)]


def test_a_live_claim_is_left_to_its_worker_and_an_expired_one_is_taken_over(
    cook: User, post_note: Callable[..., Note]
) -> None:
    held = post_note(cook, title="claimed, live worker")
    dead = post_note(cook, title="claimed, dead worker")
    now = timezone.now()
    PendingNoteIndex.objects.filter(note_id=held.pk).update(claimed_at=now - timedelta(seconds=5))
    PendingNoteIndex.objects.filter(note_id=dead.pk).update(claimed_at=now - CLAIM_LEASE - timedelta(1))
    assert notes_index_pending() == 1
    assert found("claimed") == ["claimed, dead worker"]
    assert list(PendingNoteIndex.objects.values_list("note_id", flat=True)) == [held.pk]


@pytest.fixture
def drafts(cook: User, post_note: Callable[..., Note]) -> list[Note]:
    return [post_note(cook, title=f"draft soup {i}", draft=True) for i in range(3)]


def test_drafts_and_missing_notes_leave_the_index_empty(drafts: list[Note]) -> None:
    PendingNoteIndex.objects.create(note_id=10**15)  # a note deleted for good since it was queued
    assert notes_index_pending() == 4
    assert found("soup") == []
    assert not PendingNoteIndex.objects.exists()
