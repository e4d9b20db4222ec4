"""Interactions with notes: likes, boards and collects, and the notes' sharded counters.

The tables were created by the social app and keep its names (`db_table`): the models moved in state only.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from hongshu.core.models import SnowflakeModel

COUNTER_SHARDS = 16


class Like(SnowflakeModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.ForeignKey("notes.Note", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "social_like"  # made by the social app, kept
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "note"], name="like_unique")]
        indexes: ClassVar = [
            models.Index(fields=["user", "-id"], name="like_user_recent"),
            models.Index(fields=["note", "-id"], name="like_note_recent"),
        ]


class Board(SnowflakeModel):
    """A collection of notes. Every member has one default board (created lazily) plus named ones."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=400)  # 20 graphemes, checked by the service; "" for the default
    is_default = models.BooleanField(default=False)
    is_public = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "social_board"  # made by the social app, kept
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(is_default=True), name="board_one_default_per_owner"
            ),
            models.UniqueConstraint("owner", Lower("name"), name="board_name_unique_per_owner"),
        ]


class Collect(SnowflakeModel):
    """A member collected a note; it sits in exactly one of their boards and can move between them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.ForeignKey("notes.Note", on_delete=models.CASCADE, related_name="+")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="collects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "social_collect"  # made by the social app, kept
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "note"], name="collect_unique")]
        indexes: ClassVar = [
            models.Index(fields=["board", "-id"], name="collect_board_recent"),
            models.Index(fields=["note"], name="collect_note"),
        ]


class NoteCounter(models.Model):
    """One of up to COUNTER_SHARDS rows holding a note's counts; the count is the sum over the shards.

    A viral note's likes land on a random shard each, so concurrent writers rarely wait on the same row.
    Shards may go negative (an unlike can hit a shard its like never touched); only the sum is meaningful.
    `counter_reconcile` recomputes the exact numbers from the like and collect tables.
    """

    note = models.ForeignKey("notes.Note", on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    likes = models.IntegerField(default=0)
    collects = models.IntegerField(default=0)
    comments = models.IntegerField(default=0)

    class Meta:
        db_table = "social_notecounter"  # made by the social app, kept
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["note", "shard"], name="note_counter_shard_unique")
        ]
