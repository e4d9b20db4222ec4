"""Search tables. The note index itself is engine-specific (FTS5 / tsvector) and made by raw SQL in migrations."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from hongshu.notes.models import Topic


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


class PublicNoteTopic(models.Model):
    """A topic carried by a note offered to everyone (`Note.objects.discoverable_for(None)`), as of the note's
    last indexing: what the note counts towards its topics' `PublicTopic.notes`.

    Kept by the index job beside the note's index row (`search.services.notes_index`). No foreign key to the
    note: a note purged or hard-deleted leaves its rows until the job sees it gone, and takes its count back.
    `author_id` lets the member job take back (or give back) a deactivated (reactivated) author's topics.
    """

    note_id = models.BigIntegerField()
    author_id = models.BigIntegerField()
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["note_id", "topic"], name="search_public_note_topic_unique")
        ]
        indexes: ClassVar = [models.Index(fields=["author_id"], name="search_public_topic_author")]


class PublicTopic(models.Model):
    """How many notes everyone may see carry this topic. Topic search, suggestions and sound-alike hints
    offer a topic only while this is above zero (its `SearchTerm` rows exist only then): a topic named
    only on drafts, "only me" or followers-only notes, or on deleted ones, is nobody else's business."""

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, primary_key=True, related_name="+")
    notes = models.IntegerField(default=0)
