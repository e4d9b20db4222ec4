"""Topic follows. Topics themselves (`Topic`, `NoteTopic`) belong to the notes app, which writes them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from hongshu.core.models import SnowflakeModel


class TopicFollow(SnowflakeModel):
    """A member follows a `#topic`: its new notes join their following feed (`followed_topic_note_ids`)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("notes.Topic", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "topic"], name="topic_follow_unique")
        ]
        indexes: ClassVar = [models.Index(fields=["member", "-id"], name="topic_follow_member_recent")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.topic_id}"
