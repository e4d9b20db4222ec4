"""Likes, boards and collects over the API; counts on notes, in bulk; counter reconciliation."""

from __future__ import annotations

import pytest

from hongshu.accounts.models import User
from hongshu.core.jobs import run_job
from hongshu.interactions import services as interactions
from hongshu.interactions.models import Board, Collect, Like, NoteCounter
from hongshu.interactions.selectors import note_counts
from hongshu.interactions.tasks import reconcile_counters_task, reconcile_drifted_counters_task
from hongshu.notes.services import note_update


@pytest.fixture
def author(member_api):
    return member_api("meimei")


def counts(client, note):
    response = client.get(f"/notes/{note.pk}")
    assert response.status_code == 200, response.content
    return response.json()["counts"]


def test_like_twice_is_a_conflict_and_unlike(author, member_api, post_note, api, problem):
    note = post_note(author[0], "viral")
    _ann, ann = member_api("ann")
    liked = ann.post(f"/notes/{note.pk}/like")
    assert liked.status_code == 201, liked.content
    assert liked.json()["counts"] == {"likes": 1, "collects": 0, "comments": 0}
    problem(ann.post(f"/notes/{note.pk}/like"), 409, "already_liked")
    assert author[1].post(f"/notes/{note.pk}/like").status_code == 201  # authors may like their own
    assert counts(api, note)["likes"] == 2
    assert ann.delete(f"/notes/{note.pk}/like").status_code == 204
    problem(ann.delete(f"/notes/{note.pk}/like"), 404, "not_liked")
    assert counts(api, note)["likes"] == 1
    assert Like.objects.filter(note=note).count() == 1


def test_cannot_like_what_one_cannot_read(author, member_api, post_note, problem):
    user, client = author
    _ann, ann = member_api("ann")
    hidden = post_note(user, "friends", visibility="followers")
    draft = post_note(user, "draft", draft=True)
    problem(ann.post(f"/notes/{hidden.pk}/like"), 404, "note_not_found")
    problem(ann.post(f"/notes/{draft.pk}/collect", json={}), 404, "note_not_found")
    problem(client.post(f"/notes/{draft.pk}/like"), 404, "note_not_found")  # drafts are not liked
    problem(ann.post("/notes/999999/like"), 404, "note_not_found")
    assert not Like.objects.exists()


def test_counts_on_a_page_of_notes_cost_one_query(author, member_api, post_note, api, count_queries):
    user, _client = author
    notes = [post_note(user, f"n{i}") for i in range(3)]
    fans = [member_api(f"fan{i}")[0] for i in range(3)]
    for i, note in enumerate(notes):
        for fan in fans[: i + 1]:
            interactions.like_create(user=fan, note_id=note.pk)
    interactions.collect_create(user=fans[0], note_id=notes[0].pk)
    with count_queries() as few:
        page = api.get("/notes").json()["items"]
    assert {n["title"]: n["counts"]["likes"] for n in page} == {"n0": 1, "n1": 2, "n2": 3}
    assert {n["title"]: n["counts"]["collects"] for n in page} == {"n0": 1, "n1": 0, "n2": 0}
    for i in range(4):
        post_note(user, f"more{i}")
    with count_queries() as more:
        assert len(api.get("/notes").json()["items"]) == 7
    # 5 queries for 3 or 7 notes on both databases; signed in, and other pages: tests/web/test_query_budgets.py
    assert len(few.captured_queries) == len(more.captured_queries) == 5


def test_boards_collect_move_and_uncollect(author, member_api, post_note, api, problem):
    note = post_note(author[0], "a recipe")
    ann_user, ann = member_api("ann")
    assert ann.get("/boards").json() == []  # a read creates nothing
    food = ann.post("/boards", json={"name": "好吃的 🍜", "is_public": True})
    assert food.status_code == 201, food.content
    food_id = food.json()["id"]
    problem(ann.post("/boards", json={"name": "好吃的 🍜"}), 409, "board_name_taken")
    problem(ann.post("/boards", json={"name": "  "}), 422, "board_name_required")
    problem(ann.post("/boards", json={"name": "字" * 21}), 422, "board_name_too_long")
    boards = ann.get("/boards").json()  # the default board came with the first named one
    assert [(b["name"], b["is_default"], b["is_public"]) for b in boards] == [
        ("Saved", True, False),
        ("好吃的 🍜", False, True),
    ]
    default_id = boards[0]["id"]
    collected = ann.post(f"/notes/{note.pk}/collect", json={})
    assert collected.status_code == 201, collected.content
    assert collected.json()["board_id"] == default_id
    assert collected.json()["counts"]["collects"] == 1
    problem(ann.post(f"/notes/{note.pk}/collect", json={"board_id": food_id}), 409, "already_collected")
    moved = ann.patch(f"/notes/{note.pk}/collect", json={"board_id": food_id})
    assert moved.json()["board_id"] == food_id
    assert moved.json()["counts"]["collects"] == 1  # moving is not collecting again
    assert [n["title"] for n in api.get(f"/boards/{food_id}/notes").json()["items"]] == ["a recipe"]
    assert ann.get(f"/boards/{default_id}/notes").json()["items"] == []
    assert ann.delete(f"/notes/{note.pk}/collect").status_code == 204
    problem(ann.delete(f"/notes/{note.pk}/collect"), 404, "not_collected")
    problem(ann.patch(f"/notes/{note.pk}/collect", json={"board_id": food_id}), 404, "not_collected")
    assert counts(api, note)["collects"] == 0
    assert not Collect.objects.filter(user=ann_user).exists()


def test_only_your_own_boards(author, member_api, post_note, problem):
    note = post_note(author[0], "tips")
    _ann, ann = member_api("ann")
    _bob, bob = member_api("bob")
    public = ann.post("/boards", json={"name": "open", "is_public": True}).json()["id"]
    private = ann.post("/boards", json={"name": "mine"}).json()["id"]
    problem(bob.post(f"/notes/{note.pk}/collect", json={"board_id": public}), 403, "not_board_owner")
    problem(bob.post(f"/notes/{note.pk}/collect", json={"board_id": private}), 404, "board_not_found")
    problem(bob.patch(f"/boards/{public}", json={"name": "hijacked"}), 403, "not_board_owner")
    problem(bob.delete(f"/boards/{private}"), 404, "board_not_found")
    problem(bob.get(f"/boards/{private}"), 404, "board_not_found")
    problem(bob.get(f"/boards/{private}/notes"), 404, "board_not_found")
    assert bob.get(f"/boards/{public}").json()["name"] == "open"
    assert [b["name"] for b in bob.get("/accounts/ann/boards").json()] == ["open"]
    # The default board comes with the first named board (or the first collect); private by default.
    assert [b["name"] for b in ann.get("/accounts/ann/boards").json()] == ["Saved", "open", "mine"]
    assert [b["name"] for b in ann.get("/boards").json()] == ["Saved", "open", "mine"]
    assert [b["name"] for b in bob.get("/accounts/ann/boards").json()] == ["open"]
    assert not Collect.objects.exists()


def test_rename_share_and_delete_boards(member_api, post_note, problem):
    ann_user, ann = member_api("ann")
    note = post_note(ann_user, "keep me")
    trip = ann.post("/boards", json={"name": "trip"}).json()["id"]
    default_id = ann.get("/boards").json()[0]["id"]
    ann.post("/boards", json={"name": "other"})
    ann.post(f"/notes/{note.pk}/collect", json={"board_id": trip})
    renamed = ann.patch(f"/boards/{trip}", json={"name": "Tokyo", "is_public": True}).json()
    assert (renamed["name"], renamed["is_public"]) == ("Tokyo", True)
    problem(ann.patch(f"/boards/{trip}", json={"name": "OTHER"}), 409, "board_name_taken")
    problem(ann.patch(f"/boards/{default_id}", json={"name": "x"}), 422, "default_board_fixed")
    assert ann.patch(f"/boards/{default_id}", json={"is_public": True}).json()["is_public"] is True
    problem(ann.delete(f"/boards/{default_id}"), 422, "default_board_fixed")
    # Deleting a board keeps its notes collected, in the default board.
    assert ann.delete(f"/boards/{trip}").status_code == 204
    assert [n["title"] for n in ann.get(f"/boards/{default_id}/notes").json()["items"]] == ["keep me"]
    assert Board.objects.filter(owner=ann_user, is_default=True).count() == 1


def test_liked_notes_list_follows_the_likes_public_setting(member_api, post_note, api, problem):
    ann_user, ann = member_api("ann")
    bob_user, _bob = member_api("bob")
    liked = post_note(bob_user, "liked")
    interactions.like_create(user=ann_user, note_id=liked.pk)
    problem(api.get("/accounts/ann/likes"), 403, "likes_hidden")
    assert [n["title"] for n in ann.get("/accounts/ann/likes").json()["items"]] == ["liked"]
    ann.patch("/accounts/me/privacy", json={"likes_public": True})
    assert [n["title"] for n in api.get("/accounts/ann/likes").json()["items"]] == ["liked"]
    # Notes the reader may not see stay out of the list.
    note_update(note=liked, editor=bob_user, visibility="private")
    assert api.get("/accounts/ann/likes").json()["items"] == []


def test_reconcile_repairs_drift_and_folds_shards(member_api, make_member, post_note):
    author, _client = member_api("meimei")
    note = post_note(author, "popular")
    fans = [make_member(f"fan{i}") for i in range(12)]
    for fan in fans:
        interactions.like_create(user=fan, note_id=note.pk)
        interactions.collect_create(user=fan, note_id=note.pk)
    assert NoteCounter.objects.filter(note=note).count() > 1  # spread over shards
    assert interactions.counter_reconcile(note_ids=[note.pk]) == 0  # nothing had drifted
    # Deleting accounts cascades their likes away without going through the like service: drift.
    User.objects.filter(pk__in=[f.pk for f in fans[:5]]).delete()
    assert interactions.counter_reconcile_drifted() == 1
    rows = list(NoteCounter.objects.filter(note=note).values_list("shard", "likes", "collects"))
    assert rows == [(0, 7, 7)]
    # The Celery entry points, run as the job runner runs them (arguments through JSON), each on new drift.
    User.objects.filter(pk__in=[f.pk for f in fans[5:7]]).delete()
    run_job(reconcile_counters_task, [[str(note.pk)]])
    assert list(NoteCounter.objects.filter(note=note).values_list("likes", "collects")) == [(5, 5)]
    User.objects.filter(pk=fans[7].pk).delete()
    run_job(reconcile_drifted_counters_task, [])
    assert list(NoteCounter.objects.filter(note=note).values_list("likes", "collects")) == [(4, 4)]


def test_drift_is_found_across_batches(member_api, make_member, post_note):
    author, _client = member_api("meimei")
    fan = make_member("fan")
    notes = [post_note(author, f"n{i}") for i in range(5)]
    for note in notes:
        interactions.like_create(user=fan, note_id=note.pk)
        interactions.collect_create(user=fan, note_id=note.pk)
    Like.objects.filter(note__in=notes[1::2]).delete()  # behind the services' back: notes 1 and 3
    Collect.objects.filter(note=notes[4]).delete()
    assert interactions.counter_reconcile_drifted(batch_size=2) == 3
    assert interactions.counter_reconcile_drifted(batch_size=2) == 0
    found = note_counts(note_ids=[n.pk for n in notes])
    assert [(found[n.pk].likes, found[n.pk].collects) for n in notes] == [
        (1, 1),
        (0, 1),
        (1, 1),
        (0, 1),
        (1, 0),
    ]
