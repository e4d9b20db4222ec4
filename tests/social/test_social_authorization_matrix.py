"""Who may read and do what, over the API: every actor against every surface, expectations in one table.

The author `auteur` has a private account, a public, a followers-only and an "only me" note, and a public
and a private board (the public note collected in both). Actors:
- anonymous: no token;            stranger: a member with no relation;
- follower: approved follower;    pending: asked to follow, not yet approved;
- blocked: was a follower, then auteur blocked them;   blocker: was a follower, then blocked auteur;
- muter: muted auteur;            muted: auteur muted them;     author: auteur herself.

Cells are "<status>" or "<status> <problem code>"; `listed` says whether the public note is in the actor's
`/notes` list (mutes act there and only there). Writes run after the reads, each on its own target
(auteur collected her public note while setting up, hence her 409).
"""

from __future__ import annotations

import pytest

from hongshu.interactions import services as interactions
from hongshu.social import services

READS = ("note_public", "note_followers", "note_private", "profile", "followers", "board_public", "board_private", "listed")  # fmt: skip
WRITES = ("follow", "like", "like_followers", "collect")
NF, BNF, ANF = "404 note_not_found", "404 board_not_found", "404 account_not_found"
HIDDEN = "403 account_is_private"
ANON = "401 not_authenticated"

MATRIX = {
    #             note_public note_followers note_private profile followers board_pub board_priv listed
    "anonymous": (("200", NF, NF, "200", HIDDEN, "200", BNF, True),
                  (ANON, ANON, ANON, ANON)),
    "stranger":  (("200", NF, NF, "200", HIDDEN, "200", BNF, True),
                  ("201 pending", "201", NF, "201")),
    "follower":  (("200", "200", NF, "200", "200", "200", BNF, True),
                  ("409 already_following", "201", "201", "201")),
    "pending":   (("200", NF, NF, "200", HIDDEN, "200", BNF, True),
                  ("409 already_requested", "201", NF, "201")),
    "blocked":   ((NF, NF, NF, ANF, ANF, BNF, BNF, False),
                  (ANF, NF, NF, NF)),
    "blocker":   ((NF, NF, NF, ANF, ANF, BNF, BNF, False),
                  (ANF, NF, NF, NF)),
    "muter":     (("200", NF, NF, "200", HIDDEN, "200", BNF, False),
                  ("201 pending", "201", NF, "201")),
    "muted":     (("200", NF, NF, "200", HIDDEN, "200", BNF, True),
                  ("201 pending", "201", NF, "201")),
    "author":    (("200", "200", "200", "200", "200", "200", "200", True),
                  ("422 cannot_follow_self", "201", "201", "409 already_collected")),
}  # fmt: skip


@pytest.fixture
def world(member_api, api, post_note):
    author, author_client = member_api("auteur")
    services.account_set_privacy(user=author, is_private=True)
    notes = {
        "public": post_note(author, "for everyone"),
        "followers": post_note(author, "for friends", visibility="followers"),
        "private": post_note(author, "only me", visibility="private"),
    }
    boards = {
        "public": interactions.board_create(owner=author, name="open", is_public=True),
        "private": interactions.board_create(owner=author, name="secret"),
    }
    interactions.collect_create(user=author, note_id=notes["public"].pk, board_id=boards["public"].pk)
    clients = {"anonymous": api, "author": author_client}
    users = {}
    for actor in MATRIX:
        if actor not in clients:
            users[actor], clients[actor] = member_api(actor)
    for actor in ("follower", "pending", "blocked", "blocker"):
        request = services.follow_create(follower=users[actor], followee=author)
        if actor != "pending":
            services.follow_request_approve(owner=author, request_id=request.pk)
    services.block_create(blocker=author, blocked=users["blocked"])
    services.block_create(blocker=users["blocker"], blocked=author)
    services.mute_create(muter=users["muter"], muted=author)
    services.mute_create(muter=author, muted=users["muted"])
    return clients, notes, boards


def outcome(response):
    if response.status_code >= 400:
        return f"{response.status_code} {response.json()['code']}"
    if response.status_code == 201 and "state" in response.json():
        return f"201 {response.json()['state']}"
    return str(response.status_code)


@pytest.mark.parametrize("actor", list(MATRIX))
def test_authorization_matrix(world, actor):
    clients, notes, boards = world
    client = clients[actor]
    expected_reads, expected_writes = MATRIX[actor]
    reads = {
        "note_public": outcome(client.get(f"/notes/{notes['public'].pk}")),
        "note_followers": outcome(client.get(f"/notes/{notes['followers'].pk}")),
        "note_private": outcome(client.get(f"/notes/{notes['private'].pk}")),
        "profile": outcome(client.get("/accounts/auteur")),
        "followers": outcome(client.get("/accounts/auteur/followers")),
        "board_public": outcome(client.get(f"/boards/{boards['public'].pk}")),
        "board_private": outcome(client.get(f"/boards/{boards['private'].pk}")),
        "listed": str(notes["public"].pk) in {n["id"] for n in client.get("/notes").json()["items"]},
    }
    writes = {
        "follow": outcome(client.post("/accounts/auteur/follow")),
        "like": outcome(client.post(f"/notes/{notes['public'].pk}/like")),
        "like_followers": outcome(client.post(f"/notes/{notes['followers'].pk}/like")),
        "collect": outcome(client.post(f"/notes/{notes['public'].pk}/collect", json={})),
    }
    assert reads == dict(zip(READS, expected_reads, strict=True))
    assert writes == dict(zip(WRITES, expected_writes, strict=True))


PUBLIC_ACCOUNT_LISTS = [
    # hide_follow_lists, actor, expected answer to GET /accounts/open/followers
    (False, "anonymous", "200"),
    (False, "stranger", "200"),
    (True, "anonymous", "403 follow_lists_hidden"),
    (True, "stranger", "403 follow_lists_hidden"),
    (True, "follower", "403 follow_lists_hidden"),
    (True, "author", "200"),
]


@pytest.mark.parametrize(("hidden", "actor", "expected"), PUBLIC_ACCOUNT_LISTS)
def test_follow_lists_of_a_public_account(member_api, api, hidden, actor, expected):
    owner, owner_client = member_api("open")
    services.account_set_privacy(user=owner, hide_follow_lists=hidden)
    clients = {"anonymous": api, "author": owner_client}
    if actor not in clients:
        user, clients[actor] = member_api(actor)
        if actor == "follower":
            services.follow_create(follower=user, followee=owner)
    assert outcome(clients[actor].get("/accounts/open/followers")) == expected
    assert outcome(clients[actor].get("/accounts/open/following")) == expected


# The same actors against comments: reading the threads of the public and followers-only notes, reading
# auteur's comment directly, and writing (comment, reply to auteur, like auteur's comment).
COMMENT_READS = ("thread_public", "thread_followers", "comment")
COMMENT_WRITES = ("comment", "comment_followers", "reply", "like_comment")
CNF = "404 comment_not_found"
COMMENT_MATRIX = {
    "anonymous": (("200", NF, "200"), (ANON, ANON, ANON, ANON)),
    "stranger": (("200", NF, "200"), ("201", NF, "201", "201")),
    "follower": (("200", "200", "200"), ("201", "201", "201", "201")),
    "pending": (("200", NF, "200"), ("201", NF, "201", "201")),
    "blocked": ((NF, NF, CNF), (NF, NF, CNF, CNF)),
    "blocker": ((NF, NF, CNF), (NF, NF, CNF, CNF)),
    "muter": (("200", NF, "200"), ("201", NF, "201", "201")),
    "muted": (("200", NF, "200"), ("201", NF, "201", "201")),
    "author": (("200", "200", "200"), ("201", "201", "201", "201")),
}


@pytest.mark.parametrize("actor", list(COMMENT_MATRIX))
def test_comment_authorization_matrix(world, actor):
    from hongshu.comments.services import comment_create

    clients, notes, _boards = world
    client = clients[actor]
    auteur = notes["public"].author
    theirs = comment_create(author=auteur, note_id=notes["public"].pk, body="welcome")
    expected_reads, expected_writes = COMMENT_MATRIX[actor]
    reads = {
        "thread_public": outcome(client.get(f"/notes/{notes['public'].pk}/comments")),
        "thread_followers": outcome(client.get(f"/notes/{notes['followers'].pk}/comments")),
        "comment": outcome(client.get(f"/comments/{theirs.pk}")),
    }
    writes = {
        "comment": outcome(client.post(f"/notes/{notes['public'].pk}/comments", json={"body": "hi"})),
        "comment_followers": outcome(
            client.post(f"/notes/{notes['followers'].pk}/comments", json={"body": "hi"})
        ),
        "reply": outcome(client.post(f"/comments/{theirs.pk}/replies", json={"body": "hi"})),
        "like_comment": outcome(client.post(f"/comments/{theirs.pk}/like")),
    }
    assert reads == dict(zip(COMMENT_READS, expected_reads, strict=True))
    assert writes == dict(zip(COMMENT_WRITES, expected_writes, strict=True))
