"""Explore's own tables: the trending pool (a rebuildable cache of scores) and members' "not interested".

The pool holds no note content and decides nothing about who may read what: every id in it goes through
`Note.objects.discoverable_for(viewer)` when a page is read. It is rebuilt from the notes and their counters by
the periodic job `discovery.refresh_pool` (services.pool_refresh), so deleting its rows loses nothing.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class PoolEntry(models.Model):
    """A recent public note with its decayed engagement score at the last refresh.

    `lang_group` is "zh" (Simplified or Traditional), "en" or "other" (mixed, undetermined, Japanese...),
    so a reader's main language and the bridge slice in their other language are each one index range.
    """

    note_id = models.BigIntegerField(unique=True)
    author_id = models.BigIntegerField()
    lang_group = models.CharField(max_length=8)
    score = models.FloatField()
    topic_ids = models.JSONField(default=list)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["lang_group", "-score"], name="discovery_pool_lang_score")]


class PoolTopic(models.Model):
    """One of a pooled note's topics, so "notes in the topics I like" is one index range per topic."""

    topic_id = models.BigIntegerField()
    note_id = models.BigIntegerField()
    score = models.FloatField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["topic_id", "-score"], name="discovery_pooltopic_score")]


class NotInterested(models.Model):
    """A member asked not to be offered a note, an author or a topic in Explore (undone by deleting it)."""

    class Kind(models.TextChoices):
        NOTE = "note"
        AUTHOR = "author"
        TOPIC = "topic"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    target_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "kind", "target_id"], name="not_interested_unique")
        ]
        indexes: ClassVar = [models.Index(fields=["member", "-id"], name="not_interested_recent")]
