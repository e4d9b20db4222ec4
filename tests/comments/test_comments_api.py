"""Comments over the API: threads two levels deep, input rules, visibility, blocks, likes, deletion."""

from __future__ import annotations

from hongshu.comments.models import Comment
from hongshu.social import services as social


def comment(client, note, body):
    response = client.post(f"/notes/{note.pk}/comments", json={"body": body})
    assert response.status_code == 201, response.content
    return response.json()


def reply(client, comment_id, body):
    response = client.post(f"/comments/{comment_id}/replies", json={"body": body})
    assert response.status_code == 201, response.content
    return response.json()


def roots(client, note, **query):
    response = client.get(f"/notes/{note.pk}/comments", data=query)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_reply_to_a_reply_stays_under_the_root_and_names_whom_it_answers(nina, ann, bob, post_note, api):
    note = post_note(nina[0], "tea house")
    root = comment(ann[1], note, "Where is this?")
    assert (root["author"]["handle"], root["root_id"], root["by_author"]) == ("ann", None, False)
    first = reply(bob[1], root["id"], "Hangzhou, I think")
    assert (first["root_id"], first["parent_id"], first["reply_to"]["handle"]) == (
        root["id"],
        root["id"],
        "ann",
    )
    second = reply(ann[1], first["id"], "Thanks!")
    assert second["root_id"] == root["id"]  # not nested under the reply
    assert (second["parent_id"], second["reply_to"]["handle"]) == (first["id"], "bob")
    by_author = reply(nina[1], second["id"], "Yes, by West Lake")
    assert by_author["by_author"] is True
    assert by_author["reply_to"]["handle"] == "ann"

    page = roots(api, note)
    assert [c["id"] for c in page["items"]] == [root["id"]]
    listed = page["items"][0]
    assert listed["reply_count"] == 3
    assert [r["id"] for r in listed["replies"]] == [first["id"], second["id"]]  # preview: oldest first
    thread = api.get(f"/comments/{root['id']}/replies").json()
    assert [r["body"] for r in thread["items"]] == ["Hangzhou, I think", "Thanks!", "Yes, by West Lake"]
    assert api.get(f"/comments/{second['id']}/replies").json()["items"] == thread["items"]  # same thread
    assert api.get(f"/notes/{note.pk}").json()["counts"]["comments"] == 4


def test_lengths_are_graphemes_and_language_is_detected(nina, ann, post_note, problem):
    note = post_note(nina[0])
    client = ann[1]
    for empty in ("", "   \n\t "):
        problem(client.post(f"/notes/{note.pk}/comments", json={"body": empty}), 422, "comment_required")
    problem(client.post(f"/notes/{note.pk}/comments", json={"body": "a" * 501}), 422, "comment_too_long")
    problem(client.post(f"/notes/{note.pk}/comments", json={"body": "红" * 501}), 422, "comment_too_long")
    problem(client.post(f"/notes/{note.pk}/comments", json={}), 422, "invalid_input")
    family = "👩‍👩‍👧‍👦"  # seven code points, one character
    assert len(comment(client, note, family * 500)["body"]) == 500 * len(family)
    assert comment(client, note, "这家店的小笼包真的很好吃，推荐大家去试试")["language"] == "zh-Hans"
    assert comment(client, note, "The soup dumplings here are wonderful, go early")["language"] == "en"
    assert Comment.objects.count() == 3


def test_comments_of_a_note_one_cannot_see_are_not_found(nina, ann, post_note, api, problem):
    user, client = nina
    friends = post_note(user, "friends", visibility="followers")
    draft = post_note(user, "draft", draft=True)
    gone = post_note(user, "gone")
    comment(client, gone, "first!")
    client.delete(f"/notes/{gone.pk}")
    for note in (friends, draft, gone):
        problem(ann[1].post(f"/notes/{note.pk}/comments", json={"body": "hi"}), 404, "note_not_found")
        problem(api.get(f"/notes/{note.pk}/comments"), 404, "note_not_found")
    problem(ann[1].post("/notes/123456/comments", json={"body": "hi"}), 404, "note_not_found")
    problem(client.post(f"/notes/{draft.pk}/comments", json={"body": "hi"}), 404, "note_not_found")
    problem(api.post(f"/notes/{friends.pk}/comments", json={"body": "hi"}), 401, "not_authenticated")
    social.follow_create(follower=ann[0], followee=user)
    assert comment(ann[1], friends, "for followers")["body"] == "for followers"
    problem(api.get(f"/notes/{friends.pk}/comments"), 404, "note_not_found")  # visitors: the note is hidden
    hidden_comment = Comment.objects.get(note=gone)
    problem(api.get(f"/comments/{hidden_comment.pk}"), 404, "comment_not_found")


def test_blocks_hide_comments_both_ways_and_refuse_replies_and_likes(trio, member_api, post_note, problem):
    nina, ann, bob = trio
    carl, carl_client = member_api("carl")
    note = post_note(carl, "market")
    by_ann = comment(ann[1], note, "so colourful")
    by_bob = comment(bob[1], note, "what a place")
    under_carl = comment(carl_client, note, "thanks all")
    bobs_reply = reply(bob[1], under_carl["id"], "you're welcome")
    dans_reply = reply(member_api("dan")[1], bobs_reply["id"], "agreed with bob")
    social.block_create(blocker=bob[0], blocked=ann[0])

    ann_view = roots(ann[1], note, sort="latest")
    assert [c["id"] for c in ann_view["items"]] == [under_carl["id"], by_ann["id"]]
    carls = ann_view["items"][0]
    assert carls["reply_count"] == 1  # Bob's reply is hidden from Ann
    assert [r["id"] for r in carls["replies"]] == [dans_reply["id"]]
    assert carls["replies"][0]["reply_to"] is None  # nor is Bob named as whom Dan answered
    assert [c["id"] for c in roots(bob[1], note, sort="latest")["items"]] == [under_carl["id"], by_bob["id"]]

    problem(bob[1].post(f"/comments/{by_ann['id']}/replies", json={"body": "no"}), 404, "comment_not_found")
    problem(ann[1].post(f"/comments/{by_bob['id']}/replies", json={"body": "no"}), 404, "comment_not_found")
    problem(ann[1].post(f"/comments/{bobs_reply['id']}/like"), 404, "comment_not_found")
    problem(ann[1].get(f"/comments/{by_bob['id']}"), 404, "comment_not_found")
    problem(bob[1].delete(f"/comments/{by_ann['id']}"), 404, "comment_not_found")

    social.block_create(blocker=nina[0], blocked=ann[0])
    ninas = post_note(nina[0], "mine")
    problem(ann[1].post(f"/notes/{ninas.pk}/comments", json={"body": "hi"}), 404, "note_not_found")


def test_mentions_link_members_except_blocked_and_unknown(nina, ann, bob, post_note, member_api):
    note = post_note(nina[0])
    member_api("carl")
    social.block_create(blocker=bob[0], blocked=ann[0])
    made = comment(ann[1], note, "@Carl @bob @nobody_here @ann look at this")
    assert made["mentions"] == ["carl"]  # case-insensitive; not blocked pairs, strangers or oneself


def test_replying_to_or_liking_a_deleted_comment_is_a_clear_conflict(nina, ann, bob, post_note, problem):
    note = post_note(nina[0])
    root = comment(ann[1], note, "hello")
    assert ann[1].delete(f"/comments/{root['id']}").status_code == 204
    problem(bob[1].post(f"/comments/{root['id']}/replies", json={"body": "hi"}), 409, "comment_deleted")
    problem(bob[1].post(f"/comments/{root['id']}/like"), 409, "comment_deleted")
    problem(ann[1].delete(f"/comments/{root['id']}"), 404, "comment_not_found")


def test_comment_likes(trio, post_note, api, problem):
    nina, ann, bob = trio
    note = post_note(nina[0])
    first = comment(ann[1], note, "first")
    second = comment(bob[1], note, "second")
    liked = bob[1].post(f"/comments/{first['id']}/like")
    assert liked.status_code == 201, liked.content
    assert liked.json() == {"comment_id": first["id"], "like_count": 1}
    problem(bob[1].post(f"/comments/{first['id']}/like"), 409, "already_liked")
    assert nina[1].post(f"/comments/{first['id']}/like").json()["like_count"] == 2
    top = roots(bob[1], note)["items"]
    assert [(c["id"], c["like_count"], c["liked"]) for c in top] == [
        (first["id"], 2, True),
        (second["id"], 0, False),
    ]
    assert [c["id"] for c in roots(api, note, sort="latest")["items"]] == [second["id"], first["id"]]
    assert bob[1].delete(f"/comments/{first['id']}/like").status_code == 204
    problem(bob[1].delete(f"/comments/{first['id']}/like"), 404, "not_liked")
    assert api.get(f"/comments/{first['id']}").json()["like_count"] == 1
    problem(api.post(f"/comments/{first['id']}/like"), 401, "not_authenticated")


def test_deletion_rights_and_placeholders(trio, post_note, api, problem):
    nina, ann, bob = trio
    note = post_note(nina[0])
    lonely = comment(ann[1], note, "nobody answers me")
    root = comment(ann[1], note, "a question")
    answer = reply(bob[1], root["id"], "an answer")
    problem(bob[1].delete(f"/comments/{root['id']}"), 403, "not_comment_owner")
    problem(ann[1].delete(f"/comments/{answer['id']}"), 403, "not_comment_owner")
    assert api.get(f"/notes/{note.pk}").json()["counts"]["comments"] == 3

    assert ann[1].delete(f"/comments/{root['id']}").status_code == 204  # the author
    assert nina[1].delete(f"/comments/{lonely['id']}").status_code == 204  # the note's author
    page = roots(api, note)["items"]
    assert len(page) == 1  # the lonely comment vanished; the root with a reply is a placeholder
    placeholder = page[0]
    assert (placeholder["id"], placeholder["deleted"], placeholder["author"], placeholder["body"]) == (
        root["id"],
        True,
        None,
        "",
    )
    assert [r["body"] for r in placeholder["replies"]] == ["an answer"]
    assert api.get(f"/comments/{root['id']}").json()["deleted"] is True
    assert api.get(f"/notes/{note.pk}").json()["counts"]["comments"] == 1

    assert bob[1].delete(f"/comments/{answer['id']}").status_code == 204
    assert roots(api, note)["items"] == []  # no live reply left: the placeholder goes too
    problem(api.get(f"/comments/{root['id']}"), 404, "comment_not_found")
    problem(api.get(f"/comments/{answer['id']}"), 404, "comment_not_found")
    assert api.get(f"/notes/{note.pk}").json()["counts"]["comments"] == 0
    assert Comment.objects.filter(deleted_by=nina[0]).count() == 1
