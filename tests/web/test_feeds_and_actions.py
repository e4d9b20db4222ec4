"""Feeds, note actions (like, collect, follow), comments and notifications through the web endpoints."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.comments.services import comment_create
from hongshu.feeds.following import feed_following
from hongshu.interactions import services as interactions
from hongshu.interactions.models import Board, Collect, Like
from hongshu.interactions.selectors import note_counts
from hongshu.notes.models import Note
from hongshu.social import services as social

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_like_and_unlike_return_the_updated_button(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    note = publish(alice)
    client = signed_in(bob)
    response = client.post(f"/notes/{note.pk}/like", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-pressed="true"' in html
    assert re.search(r"data-count>1<", html)
    assert Like.objects.filter(user=bob, note=note).exists()
    response = client.post(f"/notes/{note.pk}/unlike")
    assert 'aria-pressed="false"' in response.content.decode()
    assert note_counts(note_ids=[note.pk])[note.pk].likes == 0


def test_likes_need_a_signed_in_member_and_post_with_csrf(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    note = publish(make_member("alice"))
    response = Client().post(f"/notes/{note.pk}/like")
    assert response.status_code == 401
    assert "Sign in to do that." in response.content.decode()
    assert Client().get(f"/notes/{note.pk}/like").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_member("bob"))
    assert strict.post(f"/notes/{note.pk}/like").status_code == 403  # no CSRF token
    assert not Like.objects.exists()


def test_a_blocked_member_cannot_like_and_is_told_in_their_language(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    note = publish(alice)
    social.block_create(blocker=alice, blocked=bob)
    client = signed_in(bob)
    client.cookies["hongshu_language"] = "zh-hans"
    response = client.post(f"/notes/{note.pk}/like", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert '<p class="problem" role="alert">这篇笔记不存在或你无权查看。</p>' in response.content.decode()
    assert not Like.objects.exists()


def test_collect_into_a_chosen_board_or_a_new_one(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    first, second = publish(alice, "one"), publish(alice, "two")
    client = signed_in(bob)
    sheet = client.get(f"/notes/{first.pk}/boards").content.decode()
    assert not Board.objects.exists()  # the sheet offers the default board without creating it
    assert 'name="board" value=""' in sheet
    assert "My collection" in sheet
    response = client.post(f"/notes/{first.pk}/collect", {"board": ""})
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    default = Board.objects.get(owner=bob, is_default=True)
    assert Collect.objects.get(note=first).board == default
    response = client.post(f"/notes/{second.pk}/collect", {"new_board": "Kyoto"})
    assert "Saved to Kyoto" in response["HX-Trigger"]
    assert Collect.objects.get(note=second).board.name == "Kyoto"
    assert client.post(f"/notes/{second.pk}/collect", {"board": str(default.pk)}).status_code == 409
    someone_elses = interactions.board_create(owner=alice, name="Mine", is_public=True)
    refused = client.post(f"/notes/{first.pk}/uncollect")
    assert refused.status_code == 200
    assert client.post(f"/notes/{first.pk}/collect", {"board": str(someone_elses.pk)}).status_code == 403


def test_follow_and_unfollow_from_the_note(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    note = publish(alice)
    client = signed_in(bob)
    page = client.get(f"/notes/{note.pk}").content.decode()
    assert 'data-hx-post="/follow/alice"' in page
    response = client.post("/follow/alice")
    assert "/unfollow/alice" in response.content.decode()
    assert client.post("/follow/alice").status_code == 409
    assert "/follow/alice" in client.post("/unfollow/alice").content.decode()
    assert client.post("/follow/bob").status_code == 422  # oneself


def test_comment_reply_more_replies_and_comment_likes(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    alice, bob = make_member("alice", display_name="Alice"), make_member("bob", display_name="Bob")
    note = publish(alice)
    client = signed_in(bob)
    response = client.post(f"/notes/{note.pk}/comments", {"body": "So pretty!"})
    assert response.status_code == 200
    assert "So pretty!" in response.content.decode()
    root = re.search(r'id="comment-(\d+)"', response.content.decode())
    assert root
    root_id = root.group(1)
    answer = signed_in(alice).post(f"/notes/{note.pk}/comments", {"body": "Thanks!", "reply_to": root_id})
    assert answer["HX-Retarget"] == f"#replies-{root_id}"
    assert "tag-author" in answer.content.decode()  # the note's author is marked
    for n in range(3):
        client.post(f"/notes/{note.pk}/comments", {"body": f"more {n}", "reply_to": root_id})
    page = client.get(f"/notes/{note.pk}").content.decode()
    assert "View all 4 replies" in page
    replies = client.get(f"/comments/{root_id}/replies").content.decode()
    assert list(re.findall(r"(Thanks!|more \d)", replies)) == ["Thanks!", "more 0", "more 1", "more 2"]
    liked = signed_in(alice).post(f"/comments/{root_id}/like").content.decode()
    assert 'aria-pressed="true"' in liked
    assert '<span class="comment__likes">1</span>' in liked
    empty = client.post(f"/notes/{note.pk}/comments", {"body": "   "})
    assert empty.status_code == 422


def test_following_feed_shows_followed_authors_newest_first_and_ends(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    alice, bob, carol = make_member("alice"), make_member("bob"), make_member("carol")
    a1 = publish(alice, "alice one")
    c1 = publish(carol, "carol one")
    a2 = publish(alice, "alice two")
    publish(bob, "bob own")
    social.follow_create(follower=bob, followee=alice)
    social.follow_create(follower=bob, followee=carol)
    page = feed_following(viewer=bob, cursor=None, limit=2)
    assert [n.pk for n in page.items] == [a2.pk, c1.pk]
    rest = feed_following(viewer=bob, cursor=page.next_cursor, limit=2)
    assert [n.pk for n in rest.items] == [a1.pk]
    assert rest.next_cursor is None
    social.mute_create(muter=bob, muted=carol)
    assert [n.pk for n in feed_following(viewer=bob, cursor=None).items] == [a2.pk, a1.pk]
    html = signed_in(bob).get("/following/").content.decode()
    assert "alice two" in html
    assert "bob own" not in html
    assert "You&#x27;re all caught up" in html or "You're all caught up" in html
    assert "Sign in" in Client().get("/following/").content.decode()


def test_explore_loads_further_pages_as_fragments(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    alice = make_member("alice")
    notes = [publish(alice, f"note {i}") for i in range(22)]
    home = Client().get("/").content.decode()
    more = re.search(r'data-hx-get="(/feed/explore\?cursor=[0-9a-f]+\.\d+)"', home)
    assert more
    fragment = Client().get(more.group(1).replace("&amp;", "&")).content.decode()
    assert "<html" not in fragment
    assert "data-feed-page" in fragment
    # Explore is ranked: the two notes the first page left out, whichever they are
    rest = [n for n in notes if f"/notes/{n.pk}" not in home]
    assert len(rest) == 2
    for note in rest:
        assert f"/notes/{note.pk}" in fragment
    assert "data-hx-get" not in fragment  # the last page: no further loader
    assert Client().get("/feed/explore?cursor=abc").status_code == 422


def test_notifications_page_groups_likes_and_marks_all_read(
    make_member: Callable[..., User], publish: Callable[..., Note], django_capture_on_commit_callbacks: Any
) -> None:
    alice = make_member("alice", display_name="Alice")
    note = publish(alice)
    with django_capture_on_commit_callbacks(execute=True):  # notifications are written after commit
        for handle in ("bob", "carol", "dan"):
            interactions.like_create(user=make_member(handle, display_name=handle.title()), note_id=note.pk)
        comment_create(author=User.objects.get(handle="bob"), note_id=note.pk, body="Love it")
    client = signed_in(alice)
    home = client.get("/").content.decode()
    assert re.search(r'id="unread-badge">2<', home)
    page = client.get("/notifications/").content.decode()
    assert "Dan and 2 others" in page
    assert "liked your note" in page
    assert "Love it" in page
    response = client.post("/notifications/read", headers={"HX-Request": "true"})
    assert 'id="unread-badge" data-hx-swap-oob="true" hidden' in response.content.decode()
    assert re.search(r'id="unread-badge" hidden', client.get("/").content.decode())
    assert Client().get("/notifications/").status_code == 302


def test_overlay_returns_only_the_note(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    note = publish(make_member("alice"), "京都三日游")
    html = Client().get(f"/notes/{note.pk}?overlay=1").content.decode()
    assert "<html" not in html
    assert 'id="overlay-title"' in html
    assert "京都三日游" in html
    full = Client().get(f"/notes/{note.pk}").content.decode()
    assert '<h1 class="note__title">' in full
