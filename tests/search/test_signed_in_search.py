"""Issue 20 item 1: note search answered 500 to every signed-in web member (the lazy `request.user` reached
the compiled policy query). Each test searches for a query WITH hits, as each kind of viewer, so the policy
query actually runs on the member's path."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.notes.models import Note
from hongshu.social.models import Follow

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # the conftest's make_member password
AfterCommit = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def coffee(
    make_member: Callable[..., User], post_note: Callable[..., Note], after_commit: AfterCommit
) -> dict[str, Any]:
    """Nina posts a public and a followers-only coffee note; Ann follows her, Bob does not."""
    nina, ann, bob = make_member("nina"), make_member("ann"), make_member("bob")
    Follow.objects.create(follower=ann, followee=nina, state=Follow.State.ACCEPTED)
    with after_commit():
        public = post_note(nina, "coffee morning", "flat white at the corner")
        followers = post_note(nina, "coffee secret", "the roaster's back room", visibility="followers")
    return {"nina": nina, "ann": ann, "bob": bob, "public": public, "followers": followers}


def _signed_in(handle: str) -> Client:
    """A browser session made through the real sign-in form, as a member would."""
    client = Client()
    response = client.post("/signin/", {"handle": handle, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def test_signed_in_web_search_with_hits_is_not_a_500(coffee: dict[str, Any]) -> None:
    for handle, expected in [("ann", {"coffee morning", "coffee secret"}), ("bob", {"coffee morning"})]:
        page = _signed_in(handle).get("/search/", {"q": "coffee"})
        assert page.status_code == 200, handle
        html = page.content.decode()
        found = {title for title in ("coffee morning", "coffee secret") if title in html}
        assert found == expected, handle
    visitor = Client().get("/search/", {"q": "coffee"}).content.decode()
    assert "coffee morning" in visitor
    assert "coffee secret" not in visitor


def test_signed_in_api_search_with_hits_by_cookie_and_by_token(
    coffee: dict[str, Any], cookie_api: Callable[[Client], Any], member_api: Callable[..., tuple[User, Any]]
) -> None:
    by_cookie = cookie_api(_signed_in("ann"))
    cookie_hits = by_cookie.get("/search/notes", data={"q": "coffee"})
    assert cookie_hits.status_code == 200
    assert {n["title"] for n in cookie_hits.json()["items"]} == {"coffee morning", "coffee secret"}

    carol, by_token = member_api("carol")
    Follow.objects.create(follower=carol, followee=coffee["nina"], state=Follow.State.ACCEPTED)
    token_hits = by_token.get("/search/notes", data={"q": "coffee"}).json()["items"]
    assert {n["title"] for n in token_hits} == {"coffee morning", "coffee secret"}

    stranger = cookie_api(_signed_in("bob"))
    assert [n["title"] for n in stranger.get("/search/notes", data={"q": "coffee"}).json()["items"]] == [
        "coffee morning"
    ]


def test_signed_in_suggestions_and_other_tabs_with_hits(coffee: dict[str, Any]) -> None:
    client = _signed_in("ann")
    for kind in ("notes", "members", "topics"):
        assert client.get("/search/", {"q": "coffee", "type": kind}).status_code == 200, kind
    assert client.get("/search/", {"q": "nina", "type": "members"}).status_code == 200
    assert client.get("/search/suggest", {"q": "cof"}).status_code == 200
