"""Likes, collects, follows, follow requests and published drafts reach the inbox through after-commit jobs."""

from __future__ import annotations

from hongshu.notifications.models import Notification


def kinds(client):
    return [
        (n["kind"], [a["handle"] for a in n["actors"]]) for n in client.get("/notifications").json()["items"]
    ]


def test_likes_and_collects_are_grouped_per_note(member_api, post_note, after_commit):
    author, author_client = member_api("creator")
    note = post_note(author, "火锅")
    for handle in ("fan_one", "fan_two"):
        _fan, fan = member_api(handle)
        with after_commit():
            assert fan.post(f"/notes/{note.pk}/like").status_code == 201
            assert fan.post(f"/notes/{note.pk}/collect", json={}).status_code == 201
    inbox = kinds(author_client)
    assert sorted(kind for kind, _actors in inbox) == ["collect", "like"]
    assert all(sorted(actors) == ["fan_one", "fan_two"] for _kind, actors in inbox)
    assert author_client.get("/notifications/unread").json()["count"] == 2


def test_follow_and_follow_request(member_api, after_commit):
    _public, public_client = member_api("open_door")
    private, private_client = member_api("closed_door")
    private.is_private = True
    private.save(update_fields=["is_private"])
    _fan, fan = member_api("knocker")
    with after_commit():
        assert fan.post("/accounts/open_door/follow").status_code == 201
        assert fan.post("/accounts/closed_door/follow").status_code == 201
    assert kinds(public_client) == [("follow", ["knocker"])]
    assert kinds(private_client) == [("follow_request", ["knocker"])]


def test_publishing_a_draft_notifies_its_mentions_once(member_api, make_member, ready_images, after_commit):
    friend = make_member("friend_x")
    author, client = member_api("drafter")
    with after_commit():
        draft = client.post("/notes", json={"title": "soon", "body": "with @friend_x", "draft": True}).json()
    assert not Notification.objects.filter(recipient=friend).exists()
    images = [{"media_id": i} for i in ready_images(author, 1)]
    with after_commit():
        published = client.patch(f"/notes/{draft['id']}", json={"images": images, "publish": True})
    assert published.status_code == 200, published.content
    with after_commit():
        client.patch(f"/notes/{draft['id']}", json={"body": "still with @friend_x"})
    assert Notification.objects.filter(recipient=friend, kind="mention").count() == 1
