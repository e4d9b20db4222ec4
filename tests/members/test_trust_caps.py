"""Caps per trust level: notes, comments and follows per hour through the rate table's
`<limit>.account@<level>` rates (a 429 with the headers, by API token and by web cookie), tighter while
surge posture is on; links and mentions per note in the note service (a 422 naming the cap, in the member's
language), on create and on edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.core.models import PostureChange
from hongshu.core.runtime import runtime_set

pytestmark = pytest.mark.django_db

RateLimits = Callable[..., None]
HEADERS = ("Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def refused(response: Any, *, limit: int, name: str | None = None) -> None:
    """A 429 for the account scope with the four headers; an hour's window says when to try again."""
    assert response.status_code == 429, response.content[:500]
    for header in HEADERS:
        assert header in response, f"{header} missing"
    assert response["RateLimit-Limit"] == str(limit)
    assert response["RateLimit-Remaining"] == "0"
    assert 1 <= int(response["Retry-After"]) <= 3600
    if response["Content-Type"] == "application/problem+json":
        body = response.json()
        assert (body["code"], body["scope"]) == ("rate_limited", "account")
        if name:
            assert body["limit"] == name


def web_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def set_level(user: User, level: int) -> None:
    User.objects.filter(pk=user.pk).update(trust_level=level)
    user.trust_level = level


def note_json(ready_images: Callable[..., list[str]], owner: User, body: str = "") -> dict[str, Any]:
    return {"title": "t", "body": body, "images": [{"media_id": i} for i in ready_images(owner)]}


# ---- per hour, by level ---------------------------------------------------------------------------------


def test_new_members_default_hourly_note_cap_then_a_higher_level(
    nina: Any, ready_images: Callable[..., list[str]], rate_limits: RateLimits
) -> None:
    member, client = nina
    rate_limits()  # the default table: a new account may publish 3 notes an hour
    for _ in range(3):
        assert client.post("/notes", json=note_json(ready_images, member)).status_code == 201
    refused(client.post("/notes", json=note_json(ready_images, member)), limit=3, name="note_create")
    set_level(member, 2)  # member: 30 an hour, counted in its own window
    assert client.post("/notes", json=note_json(ready_images, member)).status_code == 201


def test_web_compose_capped_by_level(
    nina: Any, ann: Any, ready_images: Callable[..., list[str]], rate_limits: RateLimits
) -> None:
    rate_limits(**{"note_create.account@1": "1 per 1 hour"})
    set_level(nina[0], 1)
    set_level(ann[0], 2)
    for member, allowed in ((nina[0], 1), (ann[0], 2)):
        client = web_client(member)
        for i in range(allowed):
            form = {"title": f"n{i}", "body": "b", "photo": ready_images(member), "visibility": "public"}
            assert client.post("/compose/", form).status_code == 302
    response = web_client(nina[0]).post(
        "/compose/", {"title": "again", "body": "b", "photo": ready_images(nina[0]), "visibility": "public"}
    )
    refused(response, limit=1)


def test_comments_capped_by_level_api_and_web(
    trio: Any, post_note: Callable[..., Any], rate_limits: RateLimits
) -> None:
    (nina, _n), (ann, ann_api), (bob, bob_api) = trio
    note = post_note(nina)
    rate_limits(**{"comment_create.account@0": "1 per 1 hour", "comment_create.account@3": "3 per 1 hour"})
    set_level(bob, 3)
    assert ann_api.post(f"/notes/{note.pk}/comments", json={"body": "one"}).status_code == 201
    refused(ann_api.post(f"/notes/{note.pk}/comments", json={"body": "two"}), limit=1, name="comment_create")
    fragment = web_client(ann).post(
        f"/notes/{note.pk}/comments", {"body": "x"}, headers={"HX-Request": "true"}
    )
    refused(fragment, limit=1)
    for i in range(3):
        assert bob_api.post(f"/notes/{note.pk}/comments", json={"body": f"b{i}"}).status_code == 201
    refused(bob_api.post(f"/notes/{note.pk}/comments", json={"body": "b3"}), limit=3)


def test_follows_capped_by_level_api_and_web(
    make_member: Callable[..., User], member_api: Any, rate_limits: RateLimits
) -> None:
    for handle in ("fay1", "fay2", "fay3"):
        make_member(handle)
    ann, ann_api = member_api("ann")
    rate_limits(**{"follow.account@0": "1 per 1 hour"})
    assert ann_api.post("/accounts/fay1/follow").status_code == 201
    refused(ann_api.post("/accounts/fay2/follow"), limit=1, name="follow")
    refused(web_client(ann).post("/@fay3/follow"), limit=1)


def test_surge_tightens_the_hourly_caps(
    nina: Any, ready_images: Callable[..., list[str]], rate_limits: RateLimits
) -> None:
    member, client = nina
    rate_limits(**{"note_create.account@0": "4 per 1 hour"})
    runtime_set(key="surge_mode", value="on", actor_id=None, reason="test")
    # surge_factor 0.5: 4 an hour become 2.
    for _ in range(2):
        assert client.post("/notes", json=note_json(ready_images, member)).status_code == 201
    refused(client.post("/notes", json=note_json(ready_images, member)), limit=2)
    runtime_set(key="surge_mode", value="off", actor_id=None, reason="calm again")
    assert client.post("/notes", json=note_json(ready_images, member)).status_code == 201
    assert PostureChange.objects.filter(key="surge_mode").count() == 2


# ---- links and mentions per note ------------------------------------------------------------------------

LINKS3 = "see https://a.example/1 and http://b.example/2 and www.c.example"


def test_links_per_note_by_level_in_both_languages(
    nina: Any, ready_images: Callable[..., list[str]], problem: Any
) -> None:
    member, client = nina
    body = problem(client.post("/notes", json=note_json(ready_images, member, LINKS3)), 422, "too_many_links")
    assert "at most 2 links" in body["detail"]
    assert body["errors"][0]["field"] == "body"
    chinese = client.post(
        "/notes", json=note_json(ready_images, member, LINKS3), headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    assert "2" in problem(chinese, 422, "too_many_links")["detail"]
    assert "链接" in chinese.json()["detail"]
    set_level(member, 1)
    assert client.post("/notes", json=note_json(ready_images, member, LINKS3)).status_code == 201


def test_mentions_per_note_on_create_and_edit(
    make_member: Callable[..., User], nina: Any, ready_images: Callable[..., list[str]], problem: Any
) -> None:
    for handle in ("mia", "max", "meg", "mo_x"):
        make_member(handle)
    member, client = nina
    three = "hi @mia @max @meg @mia"  # a handle named twice counts once
    created = client.post("/notes", json=note_json(ready_images, member, three))
    assert created.status_code == 201
    four = three + " @mo_x"
    body = problem(
        client.patch(f"/notes/{created.json()['id']}", json={"body": four}), 422, "too_many_mentions"
    )
    assert "at most 3 members" in body["detail"]


def test_surge_tightens_the_link_cap_and_the_web_says_so(
    nina: Any, ready_images: Callable[..., list[str]]
) -> None:
    member, _client = nina
    runtime_set(key="surge_mode", value="on", actor_id=None)
    response = web_client(member).post(
        "/compose/",
        {
            "title": "two links",
            "body": "https://a.example https://b.example",
            "photo": ready_images(member),
            "visibility": "public",
        },
    )
    assert response.status_code == 422
    assert "at most 1 link" in response.content.decode()
