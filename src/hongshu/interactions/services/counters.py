"""Sharded note counters: hot counts that do not serialize writers, and their exact reconciliation.

A like adds 1 to one of COUNTER_SHARDS rows chosen at random, so thousands of concurrent likers of one
viral note spread over 16 row locks instead of queueing on one. Reading a count sums at most 16 rows.
The like and collect tables stay the source of truth: `counter_reconcile` recomputes from them, folds the
shards back into one row, and repairs any drift. An account deletion cascades its likes and collects away
without the services, so it queues the reconciliation of the notes they touched
(`counter_reconcile_member_on_commit`); the periodic drift job catches whatever else slips.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Literal

from django.db import connection, transaction
from django.db.models import Count, Sum

from hongshu.core.jobs import enqueue_on_commit
from hongshu.core.pagination import id_batches
from hongshu.interactions.models import COUNTER_SHARDS, Collect, Like, NoteCounter
from hongshu.notes.models import Note

CounterField = Literal["likes", "collects", "comments"]
RECONCILE_BATCH = 500
_FIELDS: tuple[CounterField, ...] = ("likes", "collects", "comments")
_TABLE = NoteCounter._meta.db_table
# Built once from constants (the table name and the three column names), never from input.
_UPSERT = {
    field: (
        f"INSERT INTO {_TABLE} (note_id, shard, likes, collects, comments) VALUES (%s, %s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (note_id, shard) DO UPDATE SET {field} = {_TABLE}.{field} + EXCLUDED.{field}"
    )
    for field in _FIELDS
}


def counter_add(*, note_id: int, field: CounterField, delta: int) -> None:
    """Add `delta` to a note's `field` count on a random shard, inside the caller's transaction.

    One upsert statement: `INSERT ... ON CONFLICT DO UPDATE` is atomic in PostgreSQL even when the shard row
    is being created or deleted (by `counter_reconcile`) at the same moment, where an UPDATE-then-INSERT
    sequence could lose the increment between its two statements. SQLite (3.24+) runs the same SQL.
    """
    if field not in _FIELDS:
        raise ValueError(field)
    values = {name: delta if name == field else 0 for name in _FIELDS}
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT[field], [note_id, random.randrange(COUNTER_SHARDS), *values.values()])


def _exact_counts(note_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """(likes, collects) of each note, counted from the tables of record: two grouped queries."""
    likes = dict(
        Like.objects.filter(note_id__in=note_ids)
        .values("note_id")
        .annotate(n=Count("id"))
        .values_list("note_id", "n")
    )
    collects = dict(
        Collect.objects.filter(note_id__in=note_ids)
        .values("note_id")
        .annotate(n=Count("id"))
        .values_list("note_id", "n")
    )
    return {note_id: (likes.get(note_id, 0), collects.get(note_id, 0)) for note_id in note_ids}


def _reconcile_one(note_id: int) -> bool:
    """Fold a note's shards into shard 0 holding the exact counts. True if the counts had drifted.

    Correct while likes keep arriving (READ COMMITTED). Every shard row is first made to exist, then all of
    them are locked, so no transaction can touch this note's counters until we commit. A liker that already
    updated a shard held its lock, so we waited until it committed and the count below sees its like; a
    liker that has not reached its shard yet has not committed its like, so we do not count it, and its +1
    lands after we commit (on a re-created row if we deleted its shard). Each like is counted exactly once.
    """
    with transaction.atomic():
        # Shard 0 first: its lock makes reconcilers of one note take turns, so the rows created next
        # cannot be deleted by another reconciler before we lock them.
        NoteCounter.objects.bulk_create([NoteCounter(note_id=note_id, shard=0)], ignore_conflicts=True)
        NoteCounter.objects.select_for_update().filter(note_id=note_id, shard=0).get()
        NoteCounter.objects.bulk_create(
            [NoteCounter(note_id=note_id, shard=shard) for shard in range(1, COUNTER_SHARDS)],
            ignore_conflicts=True,
        )
        shards = list(NoteCounter.objects.select_for_update().filter(note_id=note_id).order_by("shard"))
        likes, collects = _exact_counts([note_id])[note_id]
        comments = sum(s.comments for s in shards)  # comments are counted by their own app
        drifted = (sum(s.likes for s in shards), sum(s.collects for s in shards)) != (likes, collects)
        NoteCounter.objects.filter(pk=shards[0].pk).update(likes=likes, collects=collects, comments=comments)
        NoteCounter.objects.filter(pk__in=[s.pk for s in shards[1:]]).delete()
    return drifted


def counter_reconcile(*, note_ids: Iterable[int]) -> int:
    """Recompute the exact like and collect counts of `note_ids`; returns how many had drifted.

    Notes that no longer exist are skipped: a queued reconciliation may run after a note went with its
    author's account, and a counter row for it would break the foreign key.
    """
    wanted = list(dict.fromkeys(note_ids))
    existing = set(Note.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return sum(_reconcile_one(note_id) for note_id in wanted if note_id in existing)


def counter_reconcile_member_on_commit(*, member_id: int, batch_size: int = RECONCILE_BATCH) -> None:
    """Queue, for after commit, the reconciliation of every note `member_id` liked or collected.

    Call it in the transaction that deletes the member, before the deletion: the cascade removes their likes
    and collects without `like_delete`/`collect_delete`, so their notes' counters would stay inflated. Their
    own notes are left out (they go too). Bounded for a member with many likes: the note IDs are read in
    keyset batches on the (user, note) unique index and each batch is its own job of `batch_size` notes.
    """
    from hongshu.interactions.tasks import reconcile_counters_task  # the tasks module imports the services

    for model in (Like, Collect):
        touched = model.objects.filter(user_id=member_id).exclude(note__author_id=member_id)
        for note_ids in id_batches(touched, field="note_id", size=batch_size):
            enqueue_on_commit(reconcile_counters_task, [str(note_id) for note_id in note_ids])


def counter_reconcile_drifted(*, batch_size: int = RECONCILE_BATCH) -> int:
    """Find every note whose counters disagree with the tables of record, and repair them.

    Walks the notes that have counters or likes or collects in bounded batches of IDs (keyset, no offsets),
    comparing sums in bulk; only drifted notes are locked and rewritten. Meant for a periodic job.
    """
    repaired = 0
    after = 0
    while True:
        ids = sorted(
            set(
                NoteCounter.objects.filter(note_id__gt=after)
                .order_by("note_id")
                .values_list("note_id", flat=True)
                .distinct()[:batch_size]
            )
            | set(
                Like.objects.filter(note_id__gt=after)
                .order_by("note_id")
                .values_list("note_id", flat=True)
                .distinct()[:batch_size]
            )
            | set(
                Collect.objects.filter(note_id__gt=after)
                .order_by("note_id")
                .values_list("note_id", flat=True)
                .distinct()[:batch_size]
            )
        )[:batch_size]
        if not ids:
            return repaired
        stored = {
            row["note_id"]: (row["likes"] or 0, row["collects"] or 0)
            for row in NoteCounter.objects.filter(note_id__in=ids)
            .values("note_id")
            .annotate(likes=Sum("likes"), collects=Sum("collects"))
        }
        exact = _exact_counts(ids)
        drifted = [note_id for note_id in ids if stored.get(note_id, (0, 0)) != exact[note_id]]
        repaired += counter_reconcile(note_ids=drifted)
        after = ids[-1]
