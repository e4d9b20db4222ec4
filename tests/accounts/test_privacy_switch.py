"""Turning a private account public asks what becomes of pending follow requests (API and settings page).

It used to accept them all silently, so people the member never approved became followers, and kept
reading followers-only notes after the account went private again. Now the member chooses: "accept" (they
become followers, by the member's own decision) or "decline" (the requests go). Going private again keeps
exactly the accepted followers: approved one by one, accepted all at once by choice, or followed while the
account was public.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hongshu.social import services as social
from hongshu.social.models import Follow


@pytest.fixture
def priya_setup(member_api, post_note):
    """Priya, private, with a followers-only note, one approved follower (Cat) and two pending requests."""
    priya, priya_api = member_api("priya")
    social.account_set_privacy(user=priya, is_private=True)
    note = post_note(priya, "for friends", visibility="followers")
    clients = {}
    for handle in ("cat", "ann", "bob"):
        _member, clients[handle] = member_api(handle)
        assert clients[handle].post("/accounts/priya/follow").json()["state"] == "pending"
    cat_request = Follow.objects.get(follower__handle="cat")
    social.follow_request_approve(owner=priya, request_id=cat_request.pk)
    return priya, priya_api, note, clients


def followers(client):
    return sorted(item["handle"] for item in client.get("/accounts/priya/followers").json()["items"])


def can_read(client, note) -> bool:
    response = client.get(f"/notes/{note.pk}")
    if response.status_code == 404:
        assert response.json()["code"] == "note_not_found"
        return False
    assert response.status_code == 200
    return True


def test_going_public_no_longer_accepts_pending_requests_silently(priya_setup, problem):
    priya, priya_api, note, clients = priya_setup
    body = problem(
        priya_api.patch("/accounts/me/privacy", json={"is_private": False}),
        422,
        "pending_requests_choice_required",
    )
    assert body["errors"] == [{"field": "pending_requests", "message": body["errors"][0]["message"]}]
    priya.refresh_from_db()
    assert priya.is_private  # nothing changed
    assert Follow.objects.filter(followee=priya, state="pending").count() == 2
    assert not can_read(clients["ann"], note)


def test_going_public_and_declining_then_private_again_keeps_only_real_followers(priya_setup):
    _priya, priya_api, note, clients = priya_setup
    answer = priya_api.patch(
        "/accounts/me/privacy", json={"is_private": False, "pending_requests": "decline"}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["is_private"] is False
    assert followers(priya_api) == ["cat"]
    assert priya_api.get("/follow-requests").json()["items"] == []
    assert not can_read(clients["ann"], note)
    assert not can_read(clients["bob"], note)

    assert priya_api.patch("/accounts/me/privacy", json={"is_private": True}).status_code == 200
    assert followers(priya_api) == ["cat"]
    assert can_read(clients["cat"], note)
    assert not can_read(clients["ann"], note)
    assert not can_read(clients["bob"], note)


def test_going_public_and_accepting_makes_followers_who_stay_when_private_again(priya_setup):
    _priya, priya_api, note, clients = priya_setup
    answer = priya_api.patch("/accounts/me/privacy", json={"is_private": False, "pending_requests": "accept"})
    assert answer.status_code == 200, answer.content
    assert followers(priya_api) == ["ann", "bob", "cat"]
    assert can_read(clients["ann"], note)

    priya_api.patch("/accounts/me/privacy", json={"is_private": True})
    # The member chose to accept them: they are followers like any approved one.
    assert followers(priya_api) == ["ann", "bob", "cat"]
    assert can_read(clients["bob"], note)


def test_no_choice_needed_without_pending_requests(member_api):
    _priya, priya_api = member_api("priya")
    priya_api.patch("/accounts/me/privacy", json={"is_private": True})
    answer = priya_api.patch("/accounts/me/privacy", json={"is_private": False})
    assert answer.status_code == 200, answer.content
    assert answer.json()["is_private"] is False


def test_an_invalid_choice_is_refused(priya_setup, problem):
    _priya, priya_api, _note, _clients = priya_setup
    response = priya_api.patch(
        "/accounts/me/privacy", json={"is_private": False, "pending_requests": "maybe"}
    )
    assert response.status_code == 422
    assert Follow.objects.filter(state="pending").count() == 2


# ---- the settings page --------------------------------------------------------------------------------
def csrf_of(client: Client, path: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(path).content.decode())
    assert match
    return match.group(1)


@pytest.fixture
def browser(priya_setup) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(priya_setup[0])
    return client


def test_settings_page_asks_for_the_choice_when_going_public(priya_setup, browser):
    priya, _priya_api, note, clients = priya_setup
    page = browser.get("/me/settings").content.decode()
    assert 'name="pending_requests"' in page
    assert "Required if you make your account public while people are waiting for your approval" in page
    token = csrf_of(browser, "/me/settings")

    refused = browser.post("/me/settings", {"csrfmiddlewaretoken": token, "action": "privacy"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "People are waiting for your approval to follow you." in html
    assert "field--invalid" in html
    priya.refresh_from_db()
    assert priya.is_private

    saved = browser.post(
        "/me/settings", {"csrfmiddlewaretoken": token, "action": "privacy", "pending_requests": "decline"}
    )
    assert saved.status_code == 302
    priya.refresh_from_db()
    assert not priya.is_private
    assert not Follow.objects.filter(followee=priya, state="pending").exists()
    assert not can_read(clients["ann"], note)
    assert 'name="pending_requests"' not in browser.get("/me/settings").content.decode()


def test_settings_page_accept_all(priya_setup, browser):
    priya, _priya_api, note, clients = priya_setup
    token = csrf_of(browser, "/me/settings")
    saved = browser.post(
        "/me/settings", {"csrfmiddlewaretoken": token, "action": "privacy", "pending_requests": "accept"}
    )
    assert saved.status_code == 302
    assert Follow.objects.filter(followee=priya, state="accepted").count() == 3
    assert can_read(clients["ann"], note)
