"""Applications to join (approval mode) and invites (invite mode)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from hongshu.core.models import SnowflakeModel


class Application(SnowflakeModel):
    """One applicant's request to join, created with their (inactive) account in approval mode.

    `pending → approved | rejected`; approving activates the account, rejecting leaves it inactive.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application"
    )
    reason = models.TextField()
    reason_language = models.CharField(max_length=16, blank=True)
    # The interface language the applicant applied in (Django's code): the outcome is told in it.
    language = models.CharField(max_length=16)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    note = models.TextField(blank=True)  # the reviewer's note, shown to the applicant
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes: ClassVar = [models.Index(fields=["status", "id"], name="application_status_id")]


class Invite(SnowflakeModel):
    """A link that lets up to `max_uses` newcomers join until `expires_at`, unless revoked."""

    code = models.CharField(max_length=32, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invites")
    max_uses = models.PositiveIntegerField()
    uses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(uses__lte=models.F("max_uses")), name="invite_uses_bounded"
            )
        ]

    @property
    def remaining(self) -> int:
        return max(0, self.max_uses - self.uses)
