"""A note's comment count: kept in step by the services, repaired from the table when it drifts."""

from __future__ import annotations

from hongshu.comments import services
from hongshu.comments.tasks import reconcile_comment_counts_task
from hongshu.interactions.selectors import note_counts


def test_counts_follow_writes_and_reconcile_repairs_drift(make_member, post_note):
    nina, ann, bob = make_member("nina"), make_member("ann"), make_member("bob")
    note = post_note(nina)
    root = services.comment_create(author=ann, note_id=note.pk, body="hi")
    services.comment_reply(author=bob, comment_id=root.pk, body="hello")
    services.comment_reply(author=nina, comment_id=root.pk, body="welcome")
    services.comment_create(author=bob, note_id=note.pk, body="nice")
    assert note_counts(note_ids=[note.pk])[note.pk].comments == 4
    services.comment_delete(actor=nina, comment_id=root.pk)  # the note's author removes Ann's root
    assert note_counts(note_ids=[note.pk])[note.pk].comments == 3

    bob.delete()  # an account deleted with its comments, behind the services' back
    assert note_counts(note_ids=[note.pk])[note.pk].comments == 3
    assert services.comment_counts_reconcile(note_ids=[note.pk, note.pk]) == 1
    assert note_counts(note_ids=[note.pk])[note.pk].comments == 1  # Nina's reply under the placeholder
    reconcile_comment_counts_task.apply(args=([str(note.pk)],), throw=True)
    assert services.comment_counts_reconcile(note_ids=[note.pk]) == 0
    assert note_counts(note_ids=[note.pk])[note.pk].comments == 1
