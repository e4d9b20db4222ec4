"""The same path without test transactions: the API commits, then the job records the notification."""

from __future__ import annotations

import pytest

from hongshu.notifications.models import Notification


@pytest.mark.django_db(transaction=True)
def test_a_committed_reply_notifies_through_the_job(member_api, post_note):
    nina, nina_client = member_api("nina")
    _ann, ann_client = member_api("ann")
    note = post_note(nina, "first light")
    root = ann_client.post(f"/notes/{note.pk}/comments", json={"body": "stunning @nina"}).json()
    reply = nina_client.post(f"/comments/{root['id']}/replies", json={"body": "thank you!"})
    assert reply.status_code == 201, reply.content
    assert [n.kind for n in Notification.objects.filter(recipient=nina)] == ["comment"]  # no extra mention
    inbox = ann_client.get("/notifications").json()["items"]
    assert [(n["kind"], n["comment"]["body"], n["read"]) for n in inbox] == [("reply", "thank you!", False)]
    assert ann_client.get("/notifications/unread").json()["comments"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_gather_in_one_notification(make_member, post_note):
    """Jobs on several workers adding to one group at once: one row, every actor counted once."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from hongshu.notifications.models import NotificationActor
    from hongshu.notifications.services import notification_record

    nina = make_member("nina")
    note = post_note(nina, "viral")
    fans = [make_member(f"fan{i}") for i in range(8)]

    def record(fan_id: int) -> None:
        try:
            notification_record(
                kind="like", actor_id=fan_id, recipient_id=nina.pk, note_id=note.pk, comment_id=None
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(record, [fan.pk for fan in fans] * 2))  # every fan twice: a retried job
    [notification] = Notification.objects.filter(recipient=nina)
    assert notification.actor_count == 8
    assert NotificationActor.objects.filter(notification=notification).count() == 8
