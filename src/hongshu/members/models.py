"""A member's data exports: the zip of everything they put in, built by a job, downloaded by them alone."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from hongshu.core.models import SnowflakeModel


class DataExport(SnowflakeModel):
    """One export, a state machine run by `members.export.export_build`:

        pending --(zip written to private storage)--> ready --(expire_days later: file deleted)--> expired
        pending --(the build raised)--> failed

    The file lives under a key with a random part, in storage that is never served by path: the only way to
    it is the download endpoint, which answers the member who owns the export and nobody else.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        READY = "ready"
        FAILED = "failed"
        EXPIRED = "expired"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    file_key = models.CharField(max_length=200, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["member", "-id"], name="export_member_recent"),
            models.Index(fields=["state", "expires_at"], name="export_state_expiry"),
        ]
