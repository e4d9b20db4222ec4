"""Cached machine translations of notes and comments: one row per (content, version, target, provider)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class Translation(models.Model):
    """A pipeline record (pending → done | failed, with attempts) that is also the cache.

    `content_hash` is a SHA-256 of the source text, so an edit makes a new key and the old row is simply
    never read again. The unique constraint is what makes concurrent readers translate once: the one whose
    insert wins calls the provider; the others wait for its row.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"

    content_type = models.CharField(max_length=16)  # "note" | "comment"
    object_id = models.BigIntegerField()
    content_hash = models.CharField(max_length=64)
    target = models.CharField(max_length=16)
    provider = models.CharField(max_length=32)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, default="translation")  # "translation" | "gloss"
    source = models.CharField(max_length=16, default="und")
    title = models.TextField(blank=True)
    text = models.TextField(blank=True)
    gloss = models.JSONField(default=dict, blank=True)  # {"title": [[orig, pinyin, meaning], …], "body": …}
    error = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "content_hash", "target", "provider"],
                name="translation_unique_version",
            )
        ]
        indexes: ClassVar = [models.Index(fields=["state", "updated_at"], name="translation_state")]

    def __str__(self) -> str:
        return f"{self.content_type}:{self.object_id}→{self.target} ({self.provider}, {self.state})"
