from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from hongshu.core.models import SnowflakeModel


class MediaAsset(SnowflakeModel):
    """An uploaded image and its processing state machine: pending → ready | failed.

    The raw upload (`original_key`) is private and deleted once processing has produced the re-encoded
    variants, so no EXIF or GPS data outlives processing. `variants` maps a width to a storage key.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        READY = "ready"
        FAILED = "failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    error_code = models.CharField(max_length=48, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=32)
    original_key = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    blurhash = models.CharField(max_length=64, blank=True)
    variants = models.JSONField(default=dict, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    # When a worker took the asset; a claim older than the processing lease may be taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["owner", "-id"], name="media_owner_recent"),
            models.Index(fields=["state", "created_at"], name="media_state_age"),
        ]

    @property
    def aspect_ratio(self) -> float:
        return round(self.width / self.height, 4) if self.height else 1.0
