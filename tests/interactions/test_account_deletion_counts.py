"""Deleting an account corrects, right after its commit, the counts of what the member liked and collected
(notes and comments), without waiting for the periodic drift job."""

from __future__ import annotations

from hongshu.comments.models import Comment
from hongshu.comments.services import comment_create, comment_like
from hongshu.interactions import services as interactions
from hongshu.interactions.models import Like
from hongshu.interactions.selectors import likes_and_collects_received

PASSWORD = "correct horse battery"  # tests/conftest.py's, for every member it makes


def note_counts(api, note):
    response = api.get(f"/notes/{note.pk}")
    assert response.status_code == 200, response.content
    return response.json()["counts"]


def test_deleting_an_account_drops_like_and_collect_counts_at_once(trio, post_note, api, after_commit):
    (nina, _nina_api), (ann, ann_api), (bob, _bob_api) = trio
    first, second = post_note(nina, "first"), post_note(nina, "second")
    own = post_note(ann, "ann's own")
    for note in (first, second, own):
        interactions.like_create(user=ann, note_id=note.pk)
    interactions.collect_create(user=ann, note_id=first.pk)
    interactions.like_create(user=bob, note_id=first.pk)
    remark = comment_create(author=bob, note_id=first.pk, body="lovely")
    comment_like(user=ann, comment_id=remark.pk)
    comment_like(user=nina, comment_id=remark.pk)
    assert note_counts(api, first) == {"likes": 2, "collects": 1, "comments": 1}
    assert likes_and_collects_received(author=nina) == 4

    with after_commit():
        assert ann_api.post("/accounts/me/delete", json={"password": PASSWORD}).status_code == 204

    assert note_counts(api, first) == {"likes": 1, "collects": 0, "comments": 1}
    assert note_counts(api, second)["likes"] == 0
    assert likes_and_collects_received(author=nina) == 1  # the profile's "likes & collects"
    assert Comment.objects.get(pk=remark.pk).like_count == 1
    # Exact, not merely lowered: the drift job finds nothing left to repair.
    assert interactions.counter_reconcile_drifted() == 0


def test_deletion_reconciles_in_bounded_batches(member_api, make_member, post_note, api, after_commit):
    author, _client = member_api("meimei")
    notes = [post_note(author, f"n{i}") for i in range(5)]
    fan = make_member("fan")
    for note in notes:
        interactions.like_create(user=fan, note_id=note.pk)
    interactions.collect_create(user=fan, note_id=notes[0].pk)

    with after_commit() as jobs:
        interactions.counter_reconcile_member_on_commit(member_id=fan.pk, batch_size=2)
        fan.delete()

    assert len(jobs) == 3 + 1  # likes of 5 notes in jobs of 2, 2, 1; the one collect in its own
    assert not Like.objects.exists()
    assert [note_counts(api, note) for note in notes] == [{"likes": 0, "collects": 0, "comments": 0}] * 5


def test_a_queued_reconciliation_skips_notes_deleted_meanwhile(member_api, make_member, post_note, api):
    author, _client = member_api("meimei")
    kept, gone = post_note(author, "kept"), post_note(author, "gone")
    fan = make_member("fan")
    for note in (kept, gone):
        interactions.like_create(user=fan, note_id=note.pk)
    Like.objects.filter(user=fan).delete()  # behind the services' back, as a cascade does
    gone_id = gone.pk
    gone.delete()
    assert interactions.counter_reconcile(note_ids=[kept.pk, gone_id]) == 1
    assert note_counts(api, kept)["likes"] == 0
