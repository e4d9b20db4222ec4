"""The following feed: hybrid fan-out, read-time merge of large authors, rebuilds, the policy at read time,
cursors, the API endpoint and the `hongshu feeds rebuild` verb (issue 23, item 1)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from hongshu import cli
from hongshu.accounts.models import User
from hongshu.feeds import following
from hongshu.feeds.following import RedisStore, TableStore, feed_following, feed_rebuild, feed_store
from hongshu.feeds.models import FeedFanout, FeedState, LargeAuthor
from hongshu.notes.models import Note
from hongshu.notes.services import note_delete, note_set_removed, note_update
from hongshu.social import services as social
from hongshu.social.models import Follow

pytestmark = pytest.mark.django_db

Jobs = Callable[[], AbstractContextManager[Any]]


def ids(viewer: User, cursor: str | None = None, limit: int = 20) -> list[int]:
    return [n.pk for n in feed_following(viewer=viewer, cursor=cursor, limit=limit).items]


@pytest.fixture
def table_store(monkeypatch: pytest.MonkeyPatch) -> TableStore:
    """The table backend whatever this suite runs on (the Redis suite would otherwise use Redis)."""
    store = TableStore()
    monkeypatch.setattr(following, "feed_store", lambda: store)
    return store


def test_fanout_pushes_to_active_followers_only(
    make_member: Callable[..., User], post_note: Callable[..., Note], after_commit: Jobs
) -> None:
    alice, bob, carol, dave = (make_member(h) for h in ("alice", "bob", "carol", "dave"))
    for follower in (bob, carol, dave):
        social.follow_create(follower=follower, followee=alice)
    assert ids(bob) == []  # bob and dave have read (built) their feed; carol never has
    assert ids(dave) == []
    FeedState.objects.filter(member=dave).update(active_at=timezone.now() - timedelta(days=30))
    with after_commit():
        note = post_note(alice, "fresh")
    store = feed_store()
    assert store.newest(bob.pk, before=None, count=10) == [note.pk]
    assert note.pk not in store.newest(dave.pk, before=None, count=10)  # away: skipped by the fan-out
    assert not FeedState.objects.filter(member=carol).exists()
    assert FeedFanout.objects.get(note_id=note.pk).state == FeedFanout.State.DONE
    assert FeedFanout.objects.get(note_id=note.pk).pushed == 1
    # Back after a long absence: the first read rebuilds the list, and the note is there.
    assert ids(dave) == [note.pk]
    assert store.newest(dave.pk, before=None, count=10) == [note.pk]
    assert ids(carol) == [note.pk]


def test_fanout_runs_in_batches(
    make_member: Callable[..., User],
    post_note: Callable[..., Note],
    after_commit: Jobs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings.HONGSHU, "feed_fanout_batch", 2)
    alice = make_member("alice")
    readers = [make_member(f"reader{i}") for i in range(5)]
    for reader in readers:
        social.follow_create(follower=reader, followee=alice)
        ids(reader)
    with after_commit():
        note = post_note(alice, "to five")
    record = FeedFanout.objects.get(note_id=note.pk)
    assert (record.state, record.pushed) == (FeedFanout.State.DONE, 5)
    assert all(feed_store().newest(r.pk, before=None, count=5) == [note.pk] for r in readers)
    # An edit does not push again.
    with after_commit():
        note_update(note=note, editor=alice, title="edited")
    assert FeedFanout.objects.get(note_id=note.pk).pushed == 5


def test_large_author_is_merged_at_read_time(
    make_member: Callable[..., User],
    post_note: Callable[..., Note],
    after_commit: Jobs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings.HONGSHU, "feed_fanout_max_followers", 2)
    star, small, bob, carol = (make_member(h) for h in ("star", "small", "bob", "carol"))
    for follower in (bob, carol):
        social.follow_create(follower=follower, followee=star)
    social.follow_create(follower=bob, followee=small)
    assert ids(bob) == []
    with after_commit():
        big = post_note(star, "to millions")
        little = post_note(small, "to few")
    assert LargeAuthor.objects.filter(author=star).exists()
    assert feed_store().newest(bob.pk, before=None, count=10) == [little.pk]  # the star's note not pushed
    assert ids(bob) == [little.pk, big.pk]  # merged from the (author, -id) index
    assert ids(bob, limit=1) == [little.pk]
    page = feed_following(viewer=bob, cursor=None, limit=1)
    assert ids(bob, cursor=page.next_cursor, limit=1) == [big.pk]


def test_blocks_mutes_visibility_and_deletion_apply_at_read(
    make_member: Callable[..., User], post_note: Callable[..., Note], after_commit: Jobs
) -> None:
    alice, carol, bob = make_member("alice"), make_member("carol"), make_member("bob")
    social.follow_create(follower=bob, followee=alice)
    social.follow_create(follower=bob, followee=carol)
    ids(bob)
    with after_commit():
        kept = post_note(alice, "kept")
        gone = post_note(alice, "gone")
        hidden = post_note(alice, "hidden")
        muted = post_note(carol, "muted")
    assert ids(bob) == [muted.pk, hidden.pk, gone.pk, kept.pk]
    note_delete(note=gone, actor=alice)
    note_update(note=hidden, editor=alice, visibility="private")
    social.mute_create(muter=bob, muted=carol)
    listed = set(feed_store().newest(bob.pk, before=None, count=10))
    assert {kept.pk, gone.pk, hidden.pk, muted.pk} <= listed  # the list is not rewritten...
    assert ids(bob) == [kept.pk]  # ...the policy filters it
    social.block_create(blocker=alice, blocked=bob)
    assert ids(bob) == []
    social.mute_delete(muter=bob, muted=carol)
    assert ids(bob) == [muted.pk]
    social.follow_delete(follower=bob, followee=carol)  # an unfollow takes effect at once too
    assert ids(bob) == []


def test_a_new_follow_brings_the_accounts_notes(
    make_member: Callable[..., User], post_note: Callable[..., Note], after_commit: Jobs
) -> None:
    alice, bob, priv = make_member("alice"), make_member("bob"), make_member("priv")
    older = post_note(alice, "older")
    assert ids(bob) == []
    with after_commit():
        social.follow_create(follower=bob, followee=alice)
    assert ids(bob) == [older.pk]
    social.account_set_privacy(user=priv, is_private=True)
    secret = post_note(priv, "for followers", visibility="followers")
    with after_commit():
        request = social.follow_create(follower=bob, followee=priv)
    assert ids(bob) == [older.pk]
    with after_commit():
        social.follow_request_approve(owner=priv, request_id=request.pk)
    assert ids(bob) == [secret.pk, older.pk]


def test_cursor_is_stable_while_new_notes_arrive(
    make_member: Callable[..., User], post_note: Callable[..., Note], after_commit: Jobs
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    social.follow_create(follower=bob, followee=alice)
    ids(bob)
    with after_commit():
        notes = [post_note(alice, f"n{i}") for i in range(5)]
    first = feed_following(viewer=bob, cursor=None, limit=2)
    assert [n.pk for n in first.items] == [notes[4].pk, notes[3].pk]
    with after_commit():
        newer = [post_note(alice, f"new{i}") for i in range(3)]
    second = feed_following(viewer=bob, cursor=first.next_cursor, limit=2)
    assert [n.pk for n in second.items] == [notes[2].pk, notes[1].pk]
    third = feed_following(viewer=bob, cursor=second.next_cursor, limit=2)
    assert ([n.pk for n in third.items], third.next_cursor) == ([notes[0].pk], None)
    assert ids(bob, limit=3) == [n.pk for n in reversed(newer)]


def test_a_member_following_3000_accounts_sees_the_3000th(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    bob = make_member("bob")
    User.objects.bulk_create([User(handle=f"acct{i}") for i in range(3000)])
    followees = list(User.objects.filter(handle__startswith="acct").order_by("pk"))
    Follow.objects.bulk_create([Follow(follower=bob, followee=f) for f in followees])
    last = followees[-1]
    note = post_note(last, "from the 3000th")
    assert Follow.objects.filter(follower=bob).count() == 3000
    assert ids(bob) == [note.pk]


def test_a_page_costs_a_fixed_number_of_queries(
    make_member: Callable[..., User],
    post_note: Callable[..., Note],
    after_commit: Jobs,
    count_queries: Callable[[], Any],
    table_store: TableStore,
) -> None:
    alice, carol, bob = make_member("alice"), make_member("carol"), make_member("bob")
    social.follow_create(follower=bob, followee=alice)
    social.follow_create(follower=bob, followee=carol)
    ids(bob)
    with after_commit():
        for i in range(12):
            post_note(alice if i % 2 else carol, f"n{i}")
    with count_queries() as few:
        assert len(ids(bob, limit=3)) == 3
    with count_queries() as many:
        assert len(ids(bob, limit=12)) == 12
    # state, large followees, list, followed topics' notes, the notes through the policy + their prefetches
    # (images, topics, mentions)
    assert len(few.captured_queries) == len(many.captured_queries) == 8, [
        q["sql"] for q in many.captured_queries
    ]


def test_table_backend(
    make_member: Callable[..., User],
    post_note: Callable[..., Note],
    after_commit: Jobs,
    table_store: TableStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings.HONGSHU, "feed_length", 50)
    monkeypatch.setattr(following, "TRIM_ONE_IN", 1)
    alice, bob = make_member("alice"), make_member("bob")
    social.follow_create(follower=bob, followee=alice)
    ids(bob)
    assert table_store.exists(bob.pk)
    with after_commit():
        notes = [post_note(alice, f"n{i}") for i in range(52)]
    assert table_store.newest(bob.pk, before=None, count=100) == [n.pk for n in reversed(notes[2:])]
    assert ids(bob, limit=2) == [notes[51].pk, notes[50].pk]


@pytest.mark.redis
def test_redis_backend(
    make_member: Callable[..., User], post_note: Callable[..., Note], after_commit: Jobs
) -> None:
    store = feed_store()
    assert isinstance(store, RedisStore)
    alice, bob, carol = make_member("alice"), make_member("bob"), make_member("carol")
    social.follow_create(follower=bob, followee=alice)
    social.follow_create(follower=carol, followee=alice)
    assert ids(bob) == []
    assert store.exists(bob.pk)  # an empty list exists (its sentinel)
    with after_commit():
        note = post_note(alice, "pushed")
    assert store.newest(bob.pk, before=None, count=5) == [note.pk]
    assert not store.exists(carol.pk)  # no list is created by a push
    store.drop(bob.pk)  # evicted: the next read rebuilds it
    assert ids(bob) == [note.pk]
    assert store.newest(bob.pk, before=note.pk, count=5) == []
    assert ids(carol) == [note.pk]
    store.drop(bob.pk)
    store.drop(carol.pk)


def test_feed_api_by_token_and_cookie(  # noqa: PLR0917 - fixtures
    member_api: Callable[..., Any],
    cookie_api: Callable[[Client], Any],
    api: Any,
    make_member: Callable[..., User],
    post_note: Callable[..., Note],
    problem: Callable[..., Any],
) -> None:
    bob, bob_api = member_api("bob")
    alice = make_member("alice")
    social.follow_create(follower=bob, followee=alice)
    notes = [post_note(alice, f"n{i}", visibility="followers") for i in range(3)]
    body = bob_api.get("/feeds/following?limit=2").json()
    assert [n["id"] for n in body["items"]] == [str(notes[2].pk), str(notes[1].pk)]
    assert body["items"][0]["author"]["handle"] == "alice"
    rest = bob_api.get(f"/feeds/following?limit=2&cursor={body['next_cursor']}").json()
    assert ([n["id"] for n in rest["items"]], rest["next_cursor"]) == ([str(notes[0].pk)], None)
    web = Client()
    web.force_login(bob)
    assert len(cookie_api(web).get("/feeds/following").json()["items"]) == 3
    problem(api.get("/feeds/following"), 401, "not_authenticated")
    problem(bob_api.get("/feeds/following?cursor=nope"), 422, "invalid_cursor")


def test_cli_rebuilds_one_member_or_all(
    make_member: Callable[..., User], post_note: Callable[..., Note], capsys: pytest.CaptureFixture[str]
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    social.follow_create(follower=bob, followee=alice)
    ids(bob)
    note = post_note(alice, "not pushed")
    store = feed_store()
    assert store.newest(bob.pk, before=None, count=5) == []
    cli.main(["feeds", "rebuild", "--member", "@bob"])
    assert "Rebuilt @bob's following feed: 1 notes." in capsys.readouterr().out
    assert store.newest(bob.pk, before=None, count=5) == [note.pk]
    store.replace(bob.pk, [])
    cli.main(["feeds", "rebuild", "--all"])
    assert "Rebuilt 1 following feeds." in capsys.readouterr().out
    assert store.newest(bob.pk, before=None, count=5) == [note.pk]
    with pytest.raises(SystemExit):
        cli.main(["feeds", "rebuild", "--member", "nobody"])
    assert feed_rebuild(member=alice) == 0


def test_a_page_of_mostly_hidden_candidates_stays_bounded_and_goes_on(
    make_member: Callable[..., User], post_note: Callable[..., Note], after_commit: Jobs
) -> None:
    alice, carol, bob = make_member("alice"), make_member("carol"), make_member("bob")
    social.follow_create(follower=bob, followee=alice)
    social.follow_create(follower=bob, followee=carol)
    ids(bob)
    with after_commit():
        older = [post_note(alice, f"a{i}") for i in range(2)]
        for i in range(30):
            post_note(carol, f"c{i}")
    social.mute_create(muter=bob, muted=carol)
    seen: list[int] = []
    cursor = None
    for _page in range(10):  # 4 rounds of 6 candidates per page: the 30 muted notes take two pages
        page = feed_following(viewer=bob, cursor=cursor, limit=2)
        seen += [n.pk for n in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [older[1].pk, older[0].pk]
    assert cursor is None


def test_a_note_a_moderator_brings_back_returns_to_lists_built_while_it_was_gone(
    make_member: Callable[..., User], post_note: Callable[..., Note], after_commit: Jobs
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    social.follow_create(follower=bob, followee=alice)
    with after_commit():
        note = post_note(alice, "back soon")
    with after_commit():
        note_set_removed(note_id=note.pk, removed=True)
    FeedState.objects.filter(member=bob).delete()  # bob's list is rebuilt while the note is removed
    assert ids(bob) == []
    assert note.pk not in feed_store().newest(bob.pk, before=None, count=10)
    with after_commit():
        note_set_removed(note_id=note.pk, removed=False)
    assert feed_store().newest(bob.pk, before=None, count=10) == [note.pk]
    assert ids(bob) == [note.pk]
