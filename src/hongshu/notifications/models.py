"""Notifications, written only by background jobs after the action that caused them has committed."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hongshu.core.ids import next_id
from hongshu.core.models import SnowflakeModel


class Notification(SnowflakeModel):
    """One line in a member's notifications.

    Every notification has a `group_key` unique per recipient: likes and collects of one note (and likes of
    one comment) share a row that gathers their actors; the other kinds name their single cause (the
    comment, the mentioning note, the follower), which also makes recording idempotent when a job retries.
    `sort_key` is a fresh time-ordered ID at every new activity, so a group moves back to the top.
    """

    class Kind(models.TextChoices):
        LIKE = "like"
        COLLECT = "collect"
        COMMENT = "comment"
        REPLY = "reply"
        MENTION = "mention"
        FOLLOW = "follow"
        FOLLOW_REQUEST = "follow_request"
        COMMENT_LIKE = "comment_like"
        # The outcome of the recipient's report (hongshu.moderation): no actor, the facts are in `data`.
        REPORT_OUTCOME = "report_outcome"
        # A moderation decision about the recipient (a statement of reasons: data {"action", "kind", "rule"}).
        MODERATION_ACTION = "moderation_action"
        # The outcome of the recipient's appeal (data {"appeal", "action", "kind", "outcome"}).
        APPEAL_DECIDED = "appeal_decided"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    group_key = models.CharField(max_length=80)
    note = models.ForeignKey("notes.Note", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor_count = models.PositiveIntegerField(default=1)
    # Facts of a notification without an actor (report_outcome: {"decision", "subject_type", "rule"}).
    data = models.JSONField(default=dict, blank=True)
    sort_key = models.BigIntegerField(default=next_id)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["recipient", "group_key"], name="notification_group_unique")
        ]
        indexes: ClassVar = [
            models.Index(fields=["recipient", "-sort_key", "-id"], name="notification_recent"),
            models.Index(
                fields=["recipient", "-sort_key"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]


class NotificationActor(models.Model):
    """Who caused a notification; a grouped one has many, listed latest first."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["notification", "actor"], name="notification_actor_unique")
        ]
        indexes: ClassVar = [
            models.Index(fields=["notification", "-acted_at"], name="notification_actor_recent")
        ]
