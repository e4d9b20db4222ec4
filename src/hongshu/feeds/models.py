"""The following feed's cache tables. All of it can be dropped and rebuilt from notes and follows
(`hongshu feeds rebuild`): the database's notes and follows are the source of truth."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class FeedState(models.Model):
    """A member's following-feed bookkeeping: when they last read it (the "active" signal fan-out goes by)
    and when their list was last built. No row: never read, so nothing is pushed to them."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    active_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Fan-out picks a note's followers who read their feed recently.
        indexes: ClassVar = [models.Index(fields=["active_at"], name="feed_state_active")]


class FeedEntry(models.Model):
    """One note id in a member's following list (the table backend, used without Redis). No foreign key to
    the note: the list is a cache of candidates, every read filters it through the note policy."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note_id = models.BigIntegerField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "note_id"], name="feed_entry_unique"),
        ]
        indexes: ClassVar = [models.Index(fields=["member", "-note_id"], name="feed_entry_recent")]


class LargeAuthor(models.Model):
    """An author with at least `feed_fanout_max_followers` followers: their notes are not pushed but merged
    at read time from the (author, -id) index. Sticky: an author once marked stays merged, so no note of
    theirs can fall between a push that was skipped and a list that never got it."""

    author = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)


class FeedFanout(models.Model):
    """The fan-out of one published note, a resumable state machine:

        pending --(a batch of followers pushed; next_after advances)--> pending
        pending --(last batch, or the author is large)--> done

    A killed worker leaves it pending at `next_after`; the job run again goes on from there. A note edited
    after its fan-out is done is not pushed again."""

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"

    note_id = models.BigIntegerField(primary_key=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    next_after = models.BigIntegerField(default=0)  # follower ids above this are still to be pushed
    pushed = models.IntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
