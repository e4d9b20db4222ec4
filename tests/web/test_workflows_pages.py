"""The composite page reads in `feeds.pages` (note page, profile head, note cards): what they return for a
visitor, a member and the author, what they cost, and that the HTML pages and the API show the same numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from hongshu.accounts.models import User
from hongshu.comments.services import comment_create
from hongshu.feeds.pages import likes_visible, note_cards, note_page, profile_page
from hongshu.interactions import services as interactions
from hongshu.interactions.selectors import NoteCounts
from hongshu.notes.models import Note
from hongshu.social import services as social

pytestmark = pytest.mark.django_db

PostNote = Callable[..., Note]
MakeMember = Callable[..., User]


@pytest.fixture
def scene(make_member: MakeMember, post_note: PostNote) -> dict[str, Any]:
    """Star wrote two notes; Reader follows Star, likes and collects the first; Fan likes both and comments."""
    star, reader, fan = make_member("star"), make_member("reader"), make_member("fan")
    first, second = post_note(star, "first"), post_note(star, "second")
    social.follow_create(follower=reader, followee=star)
    interactions.like_create(user=reader, note_id=first.pk)
    interactions.collect_create(user=reader, note_id=first.pk)
    for note in (first, second):
        interactions.like_create(user=fan, note_id=note.pk)
    comment_create(author=fan, note_id=first.pk, body="Lovely light")
    return {"star": star, "reader": reader, "fan": fan, "first": first, "second": second}


def test_note_cards_carry_counts_and_the_viewers_likes_in_one_query(
    scene: dict[str, Any], count_queries: Callable[[], Any]
) -> None:
    first, second = scene["first"], scene["second"]
    with count_queries() as queries:
        cards = note_cards(viewer=scene["reader"], notes=[second, first])
    assert len(queries.captured_queries) == 1  # the counts with the reader's likes and collects
    assert [c.note.pk for c in cards] == [second.pk, first.pk]  # the order given
    assert [c.counts for c in cards] == [NoteCounts(likes=1), NoteCounts(likes=2, collects=1, comments=1)]
    assert [c.liked for c in cards] == [False, True]
    # a visitor never sees a like
    for cards in (
        note_cards(viewer=AnonymousUser(), notes=[first]),
        note_cards(viewer=None, notes=[first]),
    ):
        assert [(c.counts.likes, c.liked) for c in cards] == [(2, False)]


def test_note_cards_reuse_counts_the_caller_already_read(
    scene: dict[str, Any], count_queries: Callable[[], Any]
) -> None:
    first = scene["first"]
    given = {first.pk: NoteCounts(likes=7)}
    with count_queries() as queries:
        (card,) = note_cards(viewer=scene["fan"], notes=[first], counts=given)
    assert len(queries.captured_queries) == 1  # only the fan's likes and collects
    assert (card.counts.likes, card.liked) == (7, True)


def test_note_page_for_a_follower_a_visitor_and_the_author(scene: dict[str, Any]) -> None:
    first = scene["first"]
    page = note_page(viewer=scene["reader"], note=first)
    assert page.counts == NoteCounts(likes=2, collects=1, comments=1)
    assert (page.liked, page.collected, page.is_author) == (True, True, False)
    assert page.relationship is not None
    assert page.following == "accepted"
    assert [view.comment.body for view in page.comments.items] == ["Lovely light"]
    visitor = note_page(viewer=None, note=first)
    assert (visitor.liked, visitor.collected, visitor.relationship, visitor.following) == (
        False,
        False,
        None,
        None,
    )
    assert visitor.counts == page.counts
    author = note_page(viewer=scene["star"], note=first)
    assert (author.is_author, author.relationship) == (True, None)  # no follow button on one's own note


def test_profile_head_counts_and_the_likes_tab_rule(scene: dict[str, Any]) -> None:
    star, reader = scene["star"], scene["reader"]
    star.likes_public = True
    star.save(update_fields=["likes_public"])
    head = profile_page(viewer=reader, account=star)
    assert head.account == star
    assert (head.social.followers, head.social.following, head.received) == (1, 0, 4)  # 3 likes + 1 collect
    assert (head.is_me, head.likes_visible) == (False, True)
    assert head.social.relationship is not None
    assert head.social.relationship.following == "accepted"
    star.likes_public = False
    star.save(update_fields=["likes_public"])
    assert not likes_visible(viewer=reader, account=star)
    assert not likes_visible(viewer=AnonymousUser(), account=star)
    own = profile_page(viewer=star, account=star)
    assert (own.is_me, own.likes_visible, own.social.relationship) == (True, True, None)


def test_the_note_page_and_the_api_show_the_same_counts(scene: dict[str, Any], cookie_api: Any) -> None:
    client = Client()
    client.force_login(scene["reader"])
    first = scene["first"]
    html = client.get(f"/notes/{first.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    counts = cookie_api(client).get(f"/notes/{first.pk}").json()["counts"]
    assert counts == {"likes": 2, "collects": 1, "comments": 1}
    like_button = re.search(r'<button[^>]*hx-post="/notes/\d+/unlike"[^>]*>.*?</button>', html, re.S)
    assert like_button is not None  # the reader liked it: the button undoes the like
    assert re.search(r">\s*2\s*<", like_button.group(0))


def test_feed_cards_on_the_page_match_the_api_feed(scene: dict[str, Any], cookie_api: Any) -> None:
    client = Client()
    client.force_login(scene["reader"])
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    shown = [int(n) for n in re.findall(r'card__like-count">(\d*)<', html) if n]
    feed = cookie_api(client).get("/notes").json()["items"]
    assert shown == [item["counts"]["likes"] for item in feed] == [1, 2]  # newest first: second, first
    assert html.count("card__likes is-liked") == 1  # the reader liked only the first
