"""Follow, follow requests, privacy, follower lists, block and mute over the API."""

from __future__ import annotations

from hongshu.media.models import MediaAsset
from hongshu.social import services
from hongshu.social.models import Block, Follow, Mute


def handles(response):
    assert response.status_code == 200, response.content
    return [a["handle"] for a in response.json()["items"]]


def test_follow_a_public_account_and_unfollow(member_api, api, problem):
    _ann, ann = member_api("ann")
    bob, bob_client = member_api("bob")
    response = ann.post("/accounts/bob/follow")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "accepted"
    assert response.json()["account"]["handle"] == "bob"
    problem(ann.post("/accounts/bob/follow"), 409, "already_following")
    assert handles(api.get("/accounts/bob/followers")) == ["ann"]
    assert handles(api.get("/accounts/ann/following")) == ["bob"]
    social = ann.get("/accounts/bob/social").json()
    assert social["followers_count"] == 1
    assert social["relationship"] == {
        "following": "accepted",
        "followed_by": False,
        "blocking": False,
        "muting": False,
    }
    assert bob_client.get("/accounts/ann/social").json()["relationship"]["followed_by"] is True
    assert api.get("/accounts/bob/social").json()["relationship"] is None
    assert ann.delete("/accounts/bob/follow").status_code == 204
    problem(ann.delete("/accounts/bob/follow"), 404, "not_following")
    assert handles(api.get("/accounts/bob/followers")) == []
    assert not Follow.objects.filter(followee=bob).exists()


def test_following_yourself_or_nobody(member_api, problem):
    _ann, ann = member_api("ann")
    problem(ann.post("/accounts/ann/follow"), 422, "cannot_follow_self")
    problem(ann.post("/accounts/ANN/follow"), 422, "cannot_follow_self")
    problem(ann.post("/accounts/ghost/follow"), 404, "account_not_found")
    assert not Follow.objects.exists()


def test_private_account_approves_or_declines_requests(member_api, problem):
    priya, priya_client = member_api("priya")
    priya_client.patch("/accounts/me/privacy", json={"is_private": True})
    _ann, ann = member_api("ann")
    _bob, bob = member_api("bob")
    assert ann.post("/accounts/priya/follow").json()["state"] == "pending"
    assert bob.post("/accounts/priya/follow").json()["state"] == "pending"
    problem(ann.post("/accounts/priya/follow"), 409, "already_requested")
    assert ann.get("/accounts/priya/social").json()["relationship"]["following"] == "pending"
    # Pending requests are not followers, and only the owner sees the requests.
    assert handles(priya_client.get("/accounts/priya/followers")) == []
    requests = priya_client.get("/follow-requests").json()["items"]
    assert [r["account"]["handle"] for r in requests] == ["bob", "ann"]
    assert ann.get("/follow-requests").json()["items"] == []
    ann_request, bob_request = requests[1]["id"], requests[0]["id"]
    problem(ann.post(f"/follow-requests/{ann_request}/approve"), 404, "follow_request_not_found")
    assert priya_client.post(f"/follow-requests/{ann_request}/approve").status_code == 204
    problem(priya_client.post(f"/follow-requests/{ann_request}/approve"), 404, "follow_request_not_found")
    assert priya_client.post(f"/follow-requests/{bob_request}/decline").status_code == 204
    assert handles(priya_client.get("/accounts/priya/followers")) == ["ann"]
    assert not Follow.objects.filter(followee=priya, follower__handle="bob").exists()
    assert priya_client.get("/follow-requests").json()["items"] == []
    # A withdrawn request is an unfollow of a pending follow.
    assert bob.post("/accounts/priya/follow").json()["state"] == "pending"
    assert bob.delete("/accounts/priya/follow").status_code == 204
    assert priya_client.get("/follow-requests").json()["items"] == []


def test_going_public_with_pending_requests_asks_what_becomes_of_them(member_api, problem):
    _priya, priya = member_api("priya")
    assert priya.patch("/accounts/me/privacy", json={"is_private": True}).json() == {
        "is_private": True,
        "hide_follow_lists": False,
        "likes_public": False,
    }
    _ann, ann = member_api("ann")
    _bob, bob = member_api("bob")
    ann.post("/accounts/priya/follow")
    bob.post("/accounts/priya/follow")
    body = problem(
        priya.patch("/accounts/me/privacy", json={"is_private": False}),
        422,
        "pending_requests_choice_required",
    )
    assert body["errors"][0]["field"] == "pending_requests"
    assert priya.patch("/accounts/me/privacy", json={}).json()["is_private"] is True  # nothing changed
    assert len(priya.get("/follow-requests").json()["items"]) == 2
    answer = priya.patch("/accounts/me/privacy", json={"is_private": False, "pending_requests": "accept"})
    assert answer.status_code == 200, answer.content
    assert sorted(handles(priya.get("/accounts/priya/followers"))) == ["ann", "bob"]
    assert priya.get("/follow-requests").json()["items"] == []
    priya.patch("/accounts/me/privacy", json={"is_private": True})
    assert sorted(handles(priya.get("/accounts/priya/followers"))) == ["ann", "bob"]
    assert Follow.objects.filter(state="accepted").count() == 2


def test_follow_lists_are_hidden_from_others_when_the_owner_hides_them(member_api, api, problem):
    _ann, ann = member_api("ann")
    _bob, bob = member_api("bob")
    ann.post("/accounts/bob/follow")
    bob.patch("/accounts/me/privacy", json={"hide_follow_lists": True})
    for path in ("/accounts/bob/followers", "/accounts/bob/following"):
        problem(api.get(path), 403, "follow_lists_hidden")
        problem(ann.get(path), 403, "follow_lists_hidden")
    assert handles(bob.get("/accounts/bob/followers")) == ["ann"]
    assert handles(ann.get("/accounts/ann/following")) == ["bob"]  # ann's own lists are not hidden
    assert ann.get("/accounts/bob/social").json()["follow_lists_hidden"] is True


def test_follower_lists_page_with_cursors(make_member, api):
    star = make_member("star")
    for i in range(5):
        services.follow_create(follower=make_member(f"fan{i}"), followee=star)
    first = api.get("/accounts/star/followers?limit=2").json()
    second = api.get(f"/accounts/star/followers?limit=2&cursor={first['next_cursor']}").json()
    third = api.get(f"/accounts/star/followers?limit=2&cursor={second['next_cursor']}").json()
    seen = [a["handle"] for page in (first, second, third) for a in page["items"]]
    assert seen == ["fan4", "fan3", "fan2", "fan1", "fan0"]
    assert third["next_cursor"] is None


def test_remove_a_follower(member_api, problem):
    _ann, ann = member_api("ann")
    _bob, bob = member_api("bob")
    ann.post("/accounts/bob/follow")
    assert bob.delete("/accounts/me/followers/ann").status_code == 204
    problem(bob.delete("/accounts/me/followers/ann"), 404, "not_a_follower")
    assert handles(bob.get("/accounts/bob/followers")) == []


def test_block_is_mutual_and_ends_follows_both_ways(member_api, api, post_note, problem):
    ann_user, ann = member_api("ann")
    bob_user, bob = member_api("bob")
    _cat, cat = member_api("cat")
    ann.post("/accounts/bob/follow")
    bob.post("/accounts/ann/follow")
    cat.post("/accounts/ann/follow")
    note = post_note(ann_user, "ann's note")
    assert ann.post("/accounts/bob/block").status_code == 204
    problem(ann.post("/accounts/bob/block"), 409, "already_blocked")
    problem(ann.post("/accounts/ann/block"), 422, "cannot_block_self")
    assert not Follow.objects.filter(
        follower__in=[ann_user, bob_user], followee__in=[ann_user, bob_user]
    ).exists()
    # Bob, blocked, sees neither ann's profile, nor her notes, nor her lists; and cannot follow again.
    problem(bob.get("/accounts/ann"), 404, "account_not_found")
    problem(bob.get("/accounts/ann/notes"), 404, "account_not_found")
    problem(bob.get("/accounts/ann/followers"), 404, "account_not_found")
    problem(bob.get(f"/notes/{note.pk}"), 404, "note_not_found")
    problem(bob.post("/accounts/ann/follow"), 404, "account_not_found")
    assert bob.get("/notes").json()["items"] == []
    # ...and ann, who blocked, does not see bob either.
    problem(ann.get("/accounts/bob"), 404, "account_not_found")
    # In third parties' lists each of them is left out for the other.
    bob.post("/accounts/cat/follow")
    ann.post("/accounts/cat/follow")
    assert handles(bob.get("/accounts/cat/followers")) == ["bob"]
    assert handles(ann.get("/accounts/cat/followers")) == ["ann"]
    assert sorted(handles(api.get("/accounts/cat/followers"))) == ["ann", "bob"]
    assert handles(ann.get("/blocks")) == ["bob"]
    assert handles(bob.get("/blocks")) == []
    # A blocked member may block back; unblocking restores visibility but not the follows.
    assert bob.post("/accounts/ann/block").status_code == 204
    assert ann.delete("/accounts/bob/block").status_code == 204
    problem(ann.delete("/accounts/bob/block"), 404, "not_blocked")
    problem(bob.get(f"/notes/{note.pk}"), 404, "note_not_found")  # bob's own block still stands
    assert bob.delete("/accounts/ann/block").status_code == 204
    assert bob.get(f"/notes/{note.pk}").status_code == 200
    assert not Follow.objects.filter(follower=bob_user, followee=ann_user).exists()
    assert not Block.objects.exists()


def test_mute_is_silent_and_one_way(member_api, post_note, problem):
    ann_user, ann = member_api("ann")
    bob_user, bob = member_api("bob")
    loud = post_note(bob_user, "loud")
    quiet = post_note(ann_user, "quiet")
    assert ann.post("/accounts/bob/mute").status_code == 204
    problem(ann.post("/accounts/bob/mute"), 409, "already_muted")
    problem(ann.post("/accounts/ann/mute"), 422, "cannot_mute_self")
    # Gone from ann's lists, still there when she goes to it directly.
    assert [n["title"] for n in ann.get("/notes").json()["items"]] == ["quiet"]
    assert ann.get(f"/notes/{loud.pk}").status_code == 200
    assert [n["title"] for n in ann.get("/accounts/bob/notes").json()["items"]] == ["loud"]
    # Bob notices nothing.
    assert [n["id"] for n in bob.get("/notes").json()["items"]] == [str(quiet.pk), str(loud.pk)]
    assert bob.get("/accounts/ann/social").json()["relationship"]["muting"] is False
    assert ann.get("/accounts/bob/social").json()["relationship"]["muting"] is True
    assert handles(ann.get("/mutes")) == ["bob"]
    assert ann.delete("/accounts/bob/mute").status_code == 204
    problem(ann.delete("/accounts/bob/mute"), 404, "not_muted")
    assert len(ann.get("/notes").json()["items"]) == 2
    assert not Mute.objects.exists()


def test_graph_writes_need_a_member(api, make_member, problem):
    make_member("bob")
    for method, path in [
        ("post", "/accounts/bob/follow"),
        ("delete", "/accounts/bob/follow"),
        ("post", "/accounts/bob/block"),
        ("post", "/accounts/bob/mute"),
        ("get", "/follow-requests"),
        ("get", "/blocks"),
        ("get", "/mutes"),
        ("patch", "/accounts/me/privacy"),
    ]:
        kwargs = {"json": {}} if method == "patch" else {}
        problem(getattr(api, method)(path, **kwargs), 401, "not_authenticated")


def test_account_lists_cost_a_fixed_number_of_queries(make_member, api, count_queries):
    star = make_member("star")

    def add_fans(start, count):
        for i in range(start, start + count):
            fan = make_member(f"fan{i}")
            fan.avatar = MediaAsset.objects.create(
                owner=fan, state=MediaAsset.State.READY, content_type="image/jpeg", width=10, height=10,
                variants={"360": f"media/a{i}/360.webp"},
            )  # fmt: skip
            fan.save(update_fields=["avatar"])
            services.follow_create(follower=fan, followee=star)

    def queries():
        with count_queries() as ctx:
            assert api.get("/accounts/star/followers").status_code == 200
        return len(ctx.captured_queries)

    add_fans(0, 1)
    one = queries()
    add_fans(1, 6)
    assert one == queries() == 2  # an absolute budget: 2 queries for 1 or 7 fans, on both databases
