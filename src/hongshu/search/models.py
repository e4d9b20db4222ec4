"""Search tables. The note index itself is engine-specific (FTS5 / tsvector) and made by raw SQL in migrations."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class SearchTerm(models.Model):
    """One searchable key of a member or topic: a name token, a handle, or the pinyin (full, initials).

    Members and topics are matched by prefix on these rows (`huoguo`, `hg` and `火锅` all find 火锅), the same
    way on every database; the number of rows per object is small and fixed.
    """

    class Kind(models.TextChoices):
        MEMBER = "member"
        TOPIC = "topic"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    term = models.CharField(max_length=100)
    # 1.0 for the name/handle itself, lower for pinyin and single words of a name.
    weight = models.FloatField(default=1.0)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["kind", "term"], name="search_term_prefix"),
            models.Index(fields=["kind", "object_id"], name="search_term_object"),
        ]


class PendingNoteIndex(models.Model):
    """A note whose index row must be brought in line with it: the outbox of the index job.

    Written in the same transaction as the note change, so no change is ever lost between commit and job.
    A drain (`search.services.notes_index_pending`) claims a batch (`claimed_at`), indexes it, and deletes the
    rows it claimed; a claim older than the lease belongs to a dead worker and is taken over. A note changed
    again while its batch is being indexed has a newer row and is indexed once more.
    """

    note_id = models.BigIntegerField()
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["claimed_at", "id"], name="search_pending_claim")]
