"""Celery entry points of the following feed (fan-out runs on its own queue, `fanout`: core.jobs.JOB_QUEUES)."""

from __future__ import annotations

from celery import shared_task

from hongshu.core.jobs import enqueue_on_commit
from hongshu.feeds import following


@shared_task(name="feeds.fanout_note", acks_late=True, ignore_result=True)
def fanout_note_task(note_id: str) -> None:
    """Push a published note into its author's active followers' lists, one batch per job: a batch that
    leaves more queues the next, so a killed worker loses at most its batch (`FeedFanout` resumes it)."""
    if following.fanout_note(note_id=int(note_id)):
        enqueue_on_commit(fanout_note_task, note_id)


@shared_task(name="feeds.note_restored", acks_late=True, ignore_result=True)
def feed_note_restored_task(note_id: str) -> None:
    """A removed note came back: fan it out again (lists built while it was gone lack it)."""
    if following.feed_note_restored(note_id=int(note_id)):
        enqueue_on_commit(fanout_note_task, note_id)


@shared_task(name="feeds.follow_added", acks_late=True, ignore_result=True)
def feed_follow_added_task(follower_id: str, followee_id: str) -> None:
    following.feed_follow_merge(follower_ids=[int(follower_id)], followee_id=int(followee_id))


@shared_task(name="feeds.follows_accepted", acks_late=True, ignore_result=True)
def feed_follows_accepted_task(followee_id: str, follower_ids: list[str]) -> None:
    following.feed_follow_merge(follower_ids=[int(f) for f in follower_ids], followee_id=int(followee_id))


@shared_task(name="feeds.notes_purged", acks_late=True, ignore_result=True)
def feed_notes_purged_task(note_ids: list[str]) -> None:
    following.feed_forget_notes(note_ids=[int(i) for i in note_ids])
