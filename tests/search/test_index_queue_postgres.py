"""The index queue under concurrency, on PostgreSQL: drains claim disjoint batches, and an edit committed
while its note's batch is being indexed is indexed after it (an older read never wins)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from hongshu.accounts.services import account_create
from hongshu.notes.models import Note, PendingNoteIndex
from hongshu.notes.services import note_update
from hongshu.search.selectors import search_notes
from hongshu.search.services import notes_index, notes_index_pending

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_thread(work: Callable[[], object]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_parallel_drains_share_the_queue_without_doing_a_note_twice(post_note: Callable[..., Note]) -> None:
    assert connection.vendor == "postgresql"
    cook = account_create(handle="chef", password="a long test password 1")
    notes = [post_note(cook, title=f"congee {i}") for i in range(60)]  # indexed by the inline jobs,
    assert not PendingNoteIndex.objects.exists()
    PendingNoteIndex.objects.bulk_create([PendingNoteIndex(note_id=n.pk) for n in notes])  # queued again
    done: list[int] = []
    start = threading.Barrier(3)

    def drain() -> None:
        start.wait()
        done.append(notes_index_pending(batch=3))

    threads = [in_thread(drain) for _ in range(3)]
    for thread in threads:
        thread.join(timeout=60)
    assert sum(done) == 60, done  # each claimed batch was indexed by exactly one drain
    assert not PendingNoteIndex.objects.exists()
    assert len(search_notes(viewer=None, query="congee", limit=50, offset=0).items) == 50


def test_an_edit_during_indexing_waits_and_is_indexed_next(post_note: Callable[..., Note]) -> None:
    cook = account_create(handle="chef", password="a long test password 1")
    note = post_note(cook, title="old bowl")
    PendingNoteIndex.objects.all().delete()
    indexing, edited = threading.Event(), threading.Event()
    edit_waited: list[bool] = []

    def slow_index() -> None:
        with transaction.atomic():
            notes_index(note_ids=[note.pk])  # reads "old bowl" under its row lock …
            indexing.set()
            # … so the edit cannot commit before this transaction does (else a second drain could index
            # "new bowl" first and this one overwrite it with the older read)
            edit_waited.append(not edited.wait(timeout=1))

    def edit() -> None:
        indexing.wait(timeout=30)
        note_update(note=Note.objects.get(pk=note.pk), editor=cook, title="new bowl")
        edited.set()

    indexer, editor = in_thread(slow_index), in_thread(edit)
    indexer.join(timeout=30)
    editor.join(timeout=30)
    assert edit_waited == [True]
    assert edited.is_set()
    assert not PendingNoteIndex.objects.exists()  # the edit's own job (inline here) drained it afterwards
    assert [n.title for n in search_notes(viewer=None, query="bowl").items] == ["new bowl"]
