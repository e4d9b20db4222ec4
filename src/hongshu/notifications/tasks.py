"""Celery entry points: thin, IDs in as strings (they round-trip through JSON)."""

from __future__ import annotations

from celery import shared_task

from hongshu.notifications import services


@shared_task(name="notifications.notify", acks_late=True, ignore_result=True)
def notify_task(
    kind: str, actor_id: str, recipient_id: str, note_id: str | None, comment_id: str | None
) -> None:
    services.notification_record(
        kind=kind,
        actor_id=int(actor_id),
        recipient_id=int(recipient_id),
        note_id=int(note_id) if note_id else None,
        comment_id=int(comment_id) if comment_id else None,
    )


@shared_task(name="notifications.notify_note_mentions", acks_late=True, ignore_result=True)
def notify_note_mentions_task(note_id: str) -> None:
    services.note_mentions_notify(note_id=int(note_id))


# Consumers of the events in hongshu.core.events.EVENTS: the writer announces what happened, the job
# works out whom to tell from the committed rows.


@shared_task(name="notifications.on_like_added", acks_late=True, ignore_result=True)
def notify_like_added_task(member_id: str, note_id: str) -> None:
    services.note_interaction_notify(kind="like", actor_id=int(member_id), note_id=int(note_id))


@shared_task(name="notifications.on_collect_added", acks_late=True, ignore_result=True)
def notify_collect_added_task(member_id: str, note_id: str) -> None:
    services.note_interaction_notify(kind="collect", actor_id=int(member_id), note_id=int(note_id))


@shared_task(name="notifications.on_follow_added", acks_late=True, ignore_result=True)
def notify_follow_added_task(follower_id: str, followee_id: str) -> None:
    services.notification_record(
        kind="follow", actor_id=int(follower_id), recipient_id=int(followee_id), note_id=None, comment_id=None
    )


@shared_task(name="notifications.on_follow_requested", acks_late=True, ignore_result=True)
def notify_follow_requested_task(follower_id: str, followee_id: str) -> None:
    services.notification_record(
        kind="follow_request",
        actor_id=int(follower_id),
        recipient_id=int(followee_id),
        note_id=None,
        comment_id=None,
    )


@shared_task(name="notifications.on_comment_posted", acks_late=True, ignore_result=True)
def notify_comment_posted_task(comment_id: str) -> None:
    services.comment_posted_notify(comment_id=int(comment_id))


@shared_task(name="notifications.on_comment_liked", acks_late=True, ignore_result=True)
def notify_comment_liked_task(member_id: str, comment_id: str) -> None:
    services.comment_liked_notify(actor_id=int(member_id), comment_id=int(comment_id))
