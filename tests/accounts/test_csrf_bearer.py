"""A bearer header switches CSRF off only when its token is valid, and then it alone says who is asking.

The defect: any `Authorization: Bearer <garbage>` header exempted a request from CSRF, so a cross-site form
post riding on the session cookie (a like, a settings change) went through.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hongshu.accounts.models import ApiToken, User
from hongshu.accounts.services import token_issue
from hongshu.interactions.models import Like


@pytest.fixture
def ann(make_member) -> User:
    return make_member("ann")


@pytest.fixture
def browser(ann: User) -> Client:
    """Ann's browser: signed in by the session cookie, CSRF enforced as a real browser's would be."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(ann)
    return client


@pytest.fixture
def note(make_member, post_note):
    return post_note(make_member("nina"), "dumplings in Xi'an")


def _expired(user: User) -> str:
    token, secret = token_issue(user=user, name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return secret


def _revoked(user: User) -> str:
    token, secret = token_issue(user=user, name="gone")
    token.delete()
    return secret


# How to make each kind of bad token, and the code the API refuses it with.
BAD_TOKENS = {
    "garbage": (lambda user: "garbage", "invalid_token"),
    "empty": (lambda user: "", "invalid_token"),
    "expired": (_expired, "token_expired"),
    "revoked": (_revoked, "invalid_token"),
}


@pytest.fixture(params=sorted(BAD_TOKENS))
def bad_token(request, ann: User) -> tuple[str, str]:
    """(an Authorization header with a token of Ann's that is not valid, the API's problem code for it)"""
    make, code = BAD_TOKENS[request.param]
    return f"Bearer {make(ann)}", code


@pytest.fixture
def bad_bearer(bad_token: tuple[str, str]) -> str:
    return bad_token[0]


def csrf_token(browser: Client) -> str:
    assert browser.get("/me/settings").status_code == 200  # sets the CSRF cookie
    return browser.cookies["csrftoken"].value


def test_garbage_bearer_header_does_not_switch_off_csrf_for_a_like(browser, note, bad_bearer):
    response = browser.post(f"/notes/{note.pk}/like", headers={"Authorization": bad_bearer})
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert not Like.objects.exists()


def test_garbage_bearer_header_does_not_switch_off_csrf_for_settings(browser, ann, bad_bearer):
    response = browser.post(
        "/me/settings", {"action": "privacy", "is_private": "on"}, headers={"Authorization": bad_bearer}
    )
    assert response.status_code == 403
    ann.refresh_from_db()
    assert ann.is_private is False


def test_a_page_post_with_its_csrf_token_ignores_a_bad_bearer_header(browser, ann, note, bad_bearer):
    """The cookie's member, CSRF-checked as usual: the header neither helps nor breaks a page."""
    token = csrf_token(browser)
    response = browser.post(
        f"/notes/{note.pk}/like", {"csrfmiddlewaretoken": token}, headers={"Authorization": bad_bearer}
    )
    assert response.status_code == 200
    assert Like.objects.filter(user=ann, note=note).exists()


def test_a_bad_bearer_token_on_the_api_is_401_even_with_a_session_cookie(browser, note, bad_token, problem):
    header, code = bad_token
    headers = {"Authorization": header, "X-CSRFToken": csrf_token(browser)}
    problem(browser.get("/api/v1/accounts/me", headers=headers), 401, code)
    problem(browser.post(f"/api/v1/notes/{note.pk}/like", headers=headers), 401, code)
    assert not Like.objects.exists()


def test_a_valid_bearer_without_a_cookie_works_on_the_api(api, ann, note):
    _token, secret = token_issue(user=ann)
    api.token = secret
    assert not api.client.cookies
    assert api.post(f"/notes/{note.pk}/like").status_code == 201
    assert api.get("/accounts/me").json()["handle"] == "ann"
    assert Like.objects.filter(user=ann, note=note).exists()


def test_a_valid_bearer_alone_says_who_is_asking(browser, make_member, note):
    """Ann's session cookie comes along, but the request carries Bob's valid token: it is Bob's request."""
    bob = make_member("bob")
    _token, secret = token_issue(user=bob)
    headers = {"Authorization": f"Bearer {secret}"}
    assert browser.get("/api/v1/accounts/me", headers=headers).json()["handle"] == "bob"
    # No CSRF token: a valid bearer cannot come from a cross-site form, so CSRF does not apply.
    assert browser.post(f"/notes/{note.pk}/like", headers=headers).status_code == 200
    assert list(Like.objects.values_list("user__handle", flat=True)) == ["bob"]
