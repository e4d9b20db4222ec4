"""IDs on the HTML pages and htmx fragments (issue 20, items 6-7): a Unicode digit or a number past 64 bits
in a path, a query string or a form is a 404 or a refusal, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.comments.services import comment_create
from hongshu.core.ids import MAX_ID
from hongshu.interactions.models import Collect
from hongshu.interactions.services import board_create
from hongshu.notes.models import Note

OVERLONG = "9" * 20
PAST_64_BITS = str(MAX_ID + 1)


@pytest.fixture
def alice(make_member: Callable[..., User]) -> User:
    return make_member("alice")


@pytest.fixture
def browser(alice: User) -> Client:
    client = Client()  # the test client skips CSRF checks unless asked; these tests are about IDs
    client.force_login(alice)
    return client


@pytest.fixture
def note(alice: User, post_note: Callable[..., Note]) -> Note:
    return post_note(alice, title="by the sea")


@pytest.mark.parametrize("raw", [OVERLONG, PAST_64_BITS, "0"])
@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("get", "/notes/{}"),
        ("post", "/notes/{}/like"),
        ("post", "/notes/{}/unlike"),
        ("get", "/notes/{}/boards"),
        ("post", "/notes/{}/collect"),
        ("post", "/notes/{}/uncollect"),
        ("post", "/notes/{}/comments"),
        ("get", "/notes/{}/comments/more"),
        ("get", "/comments/{}/replies"),
        ("post", "/comments/{}/like"),
        ("post", "/comments/{}/unlike"),
        ("post", "/search/history/{}/delete"),
        ("get", "/media/{}/360.webp"),
        ("get", "/translate/note/{}"),
        ("get", "/translate/comment/{}/original"),
    ],
)
def test_twenty_digit_ids_on_web_routes_are_a_404_not_a_500(
    browser: Client, method: str, route: str, raw: str
) -> None:
    response = getattr(browser, method)(route.format(raw))
    assert response.status_code == 404
    assert b"site-header" in response.content  # the site's own 404 page (config.urls.handler404)


def test_id_routes_still_reverse_and_resolve(browser: Client, note: Note) -> None:
    assert browser.get(f"/notes/{note.pk}").status_code == 200
    assert browser.post(f"/notes/{note.pk}/like").status_code == 200
    assert browser.post(f"/notes/{note.pk}/unlike").status_code == 200


@pytest.mark.parametrize("cursor", ["²", "١٢", PAST_64_BITS])
def test_unicode_digit_cursor_on_pages_is_a_refusal_not_a_500(
    browser: Client, note: Note, cursor: str
) -> None:
    comment = comment_create(author=note.author, note_id=note.pk, body="nice")
    for path in (
        "/feed/explore",
        f"/notes/{note.pk}/comments/more",
        f"/comments/{comment.pk}/replies",
    ):
        response = browser.get(path, {"cursor": cursor})
        assert response.status_code == 422, path


@pytest.mark.parametrize("offset", ["²", "١٢", OVERLONG])
def test_unicode_digit_offset_on_the_search_page_is_the_first_page(
    browser: Client, note: Note, offset: str
) -> None:
    response = browser.get("/search/", {"q": "sea", "offset": offset})
    assert response.status_code == 200


@pytest.mark.parametrize("board", ["²", "١٢", PAST_64_BITS, OVERLONG])
def test_unicode_digit_board_on_the_profile_shows_the_first_board(
    browser: Client, alice: User, board: str
) -> None:
    board_create(owner=alice, name="Trips")
    response = browser.get("/@alice", {"tab": "collects", "board": board})
    assert response.status_code == 200
    assert "Trips" in response.content.decode()


@pytest.mark.parametrize("board", ["²", "١٢", PAST_64_BITS])
def test_unicode_digit_board_on_collect_uses_the_default_board(
    browser: Client, note: Note, board: str
) -> None:
    response = browser.post(f"/notes/{note.pk}/collect", {"board": board})
    assert response.status_code == 200
    assert Collect.objects.get(note=note).board.owner.handle == "alice"


@pytest.mark.parametrize("reply_to", ["²", "١٢", PAST_64_BITS, OVERLONG])
def test_unicode_digit_reply_to_is_a_422_not_a_500(browser: Client, note: Note, reply_to: str) -> None:
    response = browser.post(f"/notes/{note.pk}/comments", {"body": "hi", "reply_to": reply_to})
    assert response.status_code == 422


@pytest.mark.parametrize("photo", ["²", "١٢", PAST_64_BITS, OVERLONG])
def test_unicode_digit_or_overlong_compose_photo_is_dropped_not_a_500(browser: Client, photo: str) -> None:
    response: Any = browser.post(
        "/compose/", {"title": "t", "visibility": "public", "photo": [photo], "alt": [""], "publish": "1"}
    )
    assert response.status_code == 422  # the form again: a published note needs a photo
    assert not Note.objects.exists()
