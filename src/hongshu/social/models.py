"""The social graph: follows (and follow requests), blocks, mutes."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hongshu.core.models import SnowflakeModel


class Follow(SnowflakeModel):
    """`follower` follows `followee`. Towards a private account it stays `pending` until approved."""

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACCEPTED)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_unique"),
            models.CheckConstraint(condition=~Q(follower=models.F("followee")), name="follow_not_self"),
        ]
        indexes: ClassVar = [
            # Follower lists and requests of an account, newest first; "who do I follow" for the policy.
            models.Index(fields=["followee", "state", "-id"], name="follow_followee_recent"),
            models.Index(fields=["follower", "state", "-id"], name="follow_follower_recent"),
        ]


class Block(SnowflakeModel):
    """Mutual invisibility: neither member sees the other anywhere, whichever of them blocked."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="block_not_self"),
        ]
        # The unique constraint serves (blocker, blocked); this serves the reverse direction.
        indexes: ClassVar = [models.Index(fields=["blocked", "blocker"], name="block_reverse")]


class Mute(SnowflakeModel):
    """One-way and silent: the muted member's notes leave the muter's lists and feeds, nothing else."""

    muter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_unique"),
            models.CheckConstraint(condition=~Q(muter=models.F("muted")), name="mute_not_self"),
        ]


# Shards of a member's follow counts: a creator gaining followers fast spreads the increments over this many
# row locks instead of queueing every new follower on one row.
FOLLOW_COUNTER_SHARDS = 8


class FollowCounter(models.Model):
    """One of up to FOLLOW_COUNTER_SHARDS rows holding a member's follow counts; a count is the sum of its
    shards. `followers`: accepted follows of the member by active accounts; `following`: accepted follows by
    the member of active accounts — what a profile shows, so it never counts a big creator's followers per
    view. Kept by the graph's services in the writing transaction (`social.services.counters`); shards may
    go negative, only the sum means anything; `follow_counts_reconcile` recomputes the exact numbers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    followers = models.IntegerField(default=0)
    following = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "shard"], name="follow_counter_shard_unique")
        ]
