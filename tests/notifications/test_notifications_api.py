"""Notifications: recorded by jobs after commit, the rules (self, blocks, visibility), kinds, the inbox."""

from __future__ import annotations

import pytest

from hongshu.comments import services as comments
from hongshu.notifications.models import Notification
from hongshu.notifications.services import notify_after_commit
from hongshu.social import services as social


@pytest.fixture
def carl(member_api):
    return member_api("carl")


def inbox(client, **query):
    response = client.get("/notifications", data=query)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def unread(client):
    response = client.get("/notifications/unread")
    assert response.status_code == 200, response.content
    return response.json()


def test_recorded_by_a_job_only_once_the_comment_commits(
    nina, ann, post_note, django_capture_on_commit_callbacks
):
    note = post_note(nina[0], "dumplings")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ann[1].post(f"/notes/{note.pk}/comments", json={"body": "yum"})
        assert response.status_code == 201
    assert not Notification.objects.exists()  # nothing while the write is uncommitted
    # The comment_posted consumers (core.events), waiting for the commit: this notification and the note
    # author's trust recompute.
    assert len(callbacks) == 2
    callbacks[0]()  # the commit: the job runs with its arguments after a JSON round-trip
    [notification] = inbox(nina[1])
    assert notification["kind"] == "comment"
    assert [a["handle"] for a in notification["actors"]] == ["ann"]
    assert notification["comment"]["body"] == "yum"
    assert notification["note"]["id"] == str(note.pk)
    assert notification["note"]["cover"]["width"] == 1080


def test_a_rolled_back_action_notifies_nobody(nina, ann, post_note, after_commit, problem):
    note = post_note(nina[0])
    root = comments.comment_create(author=ann[0], note_id=note.pk, body="hi")
    with after_commit():
        comments.comment_like(user=nina[0], comment_id=root.pk)
    with after_commit():  # the second like fails inside its transaction: its job is discarded
        problem(nina[1].post(f"/comments/{root.pk}/like"), 409, "already_liked")
    [notification] = inbox(ann[1])
    assert (notification["kind"], notification["actor_count"]) == ("comment_like", 1)


def test_kinds_of_a_comment_each_recipient_told_once(trio, carl, post_note, after_commit):
    nina, ann, bob = trio
    _carl, carl_client = carl
    note = post_note(nina[0], "night market")
    with after_commit():
        root = ann[1].post(f"/notes/{note.pk}/comments", json={"body": "@carl you'd love this"}).json()
    with after_commit():
        bob[1].post(f"/comments/{root['id']}/replies", json={"body": "@ann @nina me too"})
    with after_commit():  # the note's author answers Ann and mentions Bob (and herself: ignored)
        nina[1].post(f"/comments/{root['id']}/replies", json={"body": "@nina @bob come by"})

    assert [n["kind"] for n in inbox(carl_client)] == ["mention"]
    assert [(n["kind"], n["actors"][0]["handle"]) for n in inbox(ann[1])] == [
        ("reply", "nina"),
        ("reply", "bob"),
    ]
    assert [(n["kind"], n["actors"][0]["handle"]) for n in inbox(nina[1])] == [
        ("comment", "bob"),
        ("comment", "ann"),
    ]
    assert [(n["kind"], n["actors"][0]["handle"]) for n in inbox(bob[1])] == [("mention", "nina")]
    assert Notification.objects.count() == 6  # mentions of those already told as answered or author: none


def test_note_mentions_notify_those_who_can_see_the_note(nina, ann, bob, after_commit, ready_images):
    user, client = nina
    social.follow_create(follower=ann[0], followee=user)
    with after_commit():
        posted = client.post(
            "/notes",
            json={
                "title": "hello",
                "body": "@ann @bob see you",
                "images": [{"media_id": ready_images(user)[0]}],
            },
        )
        assert posted.status_code == 201, posted.content
    with after_commit():  # followers only: Bob does not follow Nina
        client.post(
            "/notes",
            json={
                "title": "friends",
                "body": "@ann @bob",
                "visibility": "followers",
                "images": [{"media_id": ready_images(user)[0]}],
            },
        )
    with after_commit():  # a draft tells nobody
        client.post("/notes", json={"title": "later", "body": "@ann @bob", "draft": True})
    assert [n["note"]["title"] for n in inbox(ann[1])] == ["friends", "hello"]
    assert [n["note"]["title"] for n in inbox(bob[1])] == ["hello"]
    assert all(n["kind"] == "mention" for n in inbox(ann[1]))


def test_likes_and_collects_group_per_note_and_come_back_unread(nina, member_api, post_note, after_commit):
    user, client = nina
    note = post_note(user, "sunset")
    fans = [member_api(f"fan{i}")[0] for i in range(5)]

    def act(kind, fan):
        with after_commit():
            notify_after_commit(kind=kind, actor_id=fan.pk, recipient_id=user.pk, note_id=note.pk)

    for fan in fans[:4]:
        act("like", fan)
    act("collect", fans[0])
    likes, collects = sorted(inbox(client), key=lambda n: n["kind"], reverse=True)
    assert likes["kind"] == "like"
    assert likes["actor_count"] == 4
    assert [a["handle"] for a in likes["actors"]] == ["fan3", "fan2", "fan1"]  # latest first, three shown
    assert (collects["kind"], collects["actor_count"]) == ("collect", 1)
    assert Notification.objects.filter(recipient=user).count() == 2

    assert client.post("/notifications/read").json() == {"marked": 2}
    act("like", fans[1])  # the same fan again (unlike, like): not news
    assert unread(client)["count"] == 0
    act("like", fans[4])
    first = inbox(client)[0]
    assert (first["kind"], first["actor_count"], first["read"]) == ("like", 5, False)
    assert first["actors"][0]["handle"] == "fan4"
    assert unread(client)["likes"] == 1


def test_comment_likes_group_per_comment(nina, ann, bob, post_note, after_commit):
    note = post_note(nina[0])
    root = comments.comment_create(author=ann[0], note_id=note.pk, body="a tip")
    for client in (nina[1], bob[1], ann[1]):  # Ann's own like tells nobody
        with after_commit():
            assert client.post(f"/comments/{root.pk}/like").status_code == 201
    [notification] = inbox(ann[1])
    assert notification["kind"] == "comment_like"
    assert [a["handle"] for a in notification["actors"]] == ["bob", "nina"]
    assert notification["comment"]["id"] == str(root.pk)


def test_blocked_pairs_self_and_invisible_notes(nina, ann, bob, post_note, after_commit):
    note = post_note(nina[0], "mine")
    with after_commit():  # to oneself: nothing
        notify_after_commit(kind="like", actor_id=nina[0].pk, recipient_id=nina[0].pk, note_id=note.pk)
    social.block_create(blocker=nina[0], blocked=ann[0])
    with after_commit():
        notify_after_commit(kind="follow", actor_id=ann[0].pk, recipient_id=nina[0].pk)
    with after_commit():  # Bob may not see Nina's followers-only note: he is not told about it
        friends = post_note(nina[0], "friends", visibility="followers")
        notify_after_commit(kind="like", actor_id=nina[0].pk, recipient_id=bob[0].pk, note_id=friends.pk)
    assert not Notification.objects.exists()


def test_notifications_hidden_after_a_block_or_when_the_note_goes(nina, ann, bob, post_note, after_commit):
    note = post_note(nina[0], "sea")
    for fan in (ann[0], bob[0]):
        with after_commit():
            notify_after_commit(kind="like", actor_id=fan.pk, recipient_id=nina[0].pk, note_id=note.pk)
    with after_commit():
        notify_after_commit(kind="follow", actor_id=ann[0].pk, recipient_id=nina[0].pk)
    assert unread(nina[1])["count"] == 2
    social.block_create(blocker=ann[0], blocked=nina[0])
    [likes] = inbox(nina[1])  # Ann's follow is gone; her like is no longer shown among the actors
    assert [a["handle"] for a in likes["actors"]] == ["bob"]
    assert unread(nina[1]) == {"count": 1, "more": False, "likes": 1, "comments": 0, "follows": 0}
    assert nina[1].delete(f"/notes/{note.pk}").status_code == 204
    assert inbox(nina[1]) == []
    assert unread(nina[1])["count"] == 0


def test_unread_counts_mark_read_and_categories(trio, post_note, after_commit, problem):
    nina, ann, bob = trio
    note = post_note(nina[0])
    with after_commit():
        notify_after_commit(kind="follow", actor_id=ann[0].pk, recipient_id=nina[0].pk)
        notify_after_commit(kind="follow_request", actor_id=bob[0].pk, recipient_id=nina[0].pk)
        notify_after_commit(kind="like", actor_id=bob[0].pk, recipient_id=nina[0].pk, note_id=note.pk)
        root = comments.comment_create(author=ann[0], note_id=note.pk, body="nice")
    assert unread(nina[1]) == {"count": 4, "more": False, "likes": 1, "comments": 1, "follows": 2}
    assert [n["kind"] for n in inbox(nina[1], category="follows")] == ["follow_request", "follow"]
    [comment] = inbox(nina[1], category="comments")
    assert comment["comment"]["id"] == str(root.pk)
    assert nina[1].post(f"/notifications/{comment['id']}/read").status_code == 204
    assert nina[1].post(f"/notifications/{comment['id']}/read").status_code == 204  # idempotent
    problem(ann[1].post(f"/notifications/{comment['id']}/read"), 404, "notification_not_found")
    assert unread(nina[1])["comments"] == 0
    assert nina[1].post("/notifications/read?category=follows").json() == {"marked": 2}
    assert unread(nina[1]) == {"count": 1, "more": False, "likes": 1, "comments": 0, "follows": 0}
    assert [(n["kind"], n["read"]) for n in inbox(nina[1])] == [
        ("comment", True),
        ("like", False),
        ("follow_request", True),
        ("follow", True),
    ]
    problem(ann[1].post("/notifications/read?category=nope"), 422, "invalid_input")


def test_notify_after_commit_refuses_malformed_calls(nina, ann):
    with pytest.raises(ValueError, match="nope"):
        notify_after_commit(kind="nope", actor_id=ann[0].pk, recipient_id=nina[0].pk)
    with pytest.raises(ValueError, match="note_id"):
        notify_after_commit(kind="like", actor_id=ann[0].pk, recipient_id=nina[0].pk)


def test_inbox_pages_by_latest_activity_in_fixed_queries(
    nina, member_api, post_note, after_commit, count_queries
):
    user, client = nina
    notes = [post_note(user, f"n{i}") for i in range(5)]
    fans = [member_api(f"fan{i}")[0] for i in range(3)]

    def like(fan, note):
        with after_commit():
            notify_after_commit(kind="like", actor_id=fan.pk, recipient_id=user.pk, note_id=note.pk)

    like(fans[0], notes[0])
    client.get("/accounts/me")  # the token's first use is recorded once; keep that write out of the count
    with count_queries() as few:
        assert len(inbox(client)) == 1
    for note in notes:
        for fan in fans:
            like(fan, note)
    like(member_api("late")[0], notes[2])  # new activity moves the group back to the top
    with count_queries() as more:
        assert len(inbox(client)) == 5
    assert len(more.captured_queries) == len(few.captured_queries)

    titles, cursor = [], None
    while True:
        response = client.get("/notifications", data={"limit": 2, **({"cursor": cursor} if cursor else {})})
        page = response.json()
        titles += [n["note"]["title"] for n in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert titles == ["n2", "n4", "n3", "n1", "n0"]
