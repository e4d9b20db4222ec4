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
