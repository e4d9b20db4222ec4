"""Issue 20, item 2, under concurrency on PostgreSQL: parallel index drains that change the same topic's
count never lose an update, so the topic goes (and comes back) exactly with its last public note."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from hongshu.accounts.services import account_create
from hongshu.notes.models import Note, PendingNoteIndex
from hongshu.search.models import PublicTopic
from hongshu.search.selectors import search_topics
from hongshu.search.services import notes_index_pending

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NOTES = 24


def _drain_in_parallel(note_ids: list[int], drains: int = 3) -> None:
    PendingNoteIndex.objects.bulk_create([PendingNoteIndex(note_id=i) for i in note_ids])
    start = threading.Barrier(drains)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            notes_index_pending(batch=2)  # small batches: the drains interleave on the one topic row
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(drains)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert not PendingNoteIndex.objects.exists()


def _offered() -> list[str]:
    return [t.name for t in search_topics(query="nuanguo").items]


def test_parallel_drains_keep_a_topics_public_count_exact(post_note: Callable[..., Note]) -> None:
    assert connection.vendor == "postgresql"
    cook = account_create(handle="chef", password="a long test password 1")
    notes = [post_note(cook, title=f"第{i}锅", body="#暖锅") for i in range(NOTES)]
    ids = [n.pk for n in notes]
    count = PublicTopic.objects.get(topic__name="暖锅")
    assert (count.notes, _offered()) == (NOTES, ["暖锅"])

    Note.objects.filter(pk__in=ids).update(visibility="private")  # as if each were edited ...
    _drain_in_parallel(ids)  # ... and the drains took them back at the same time
    count.refresh_from_db()
    assert (count.notes, _offered()) == (0, [])

    Note.objects.filter(pk__in=ids).update(visibility="public")
    _drain_in_parallel(ids)
    count.refresh_from_db()
    assert (count.notes, _offered()) == (NOTES, ["暖锅"])
