"""Changing the password signs out every other session and token; members list, expire and revoke tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hongshu.accounts.models import ApiToken, User
from hongshu.accounts.services import account_change_password, account_revoke_credentials, token_issue

PASSWORD = "correct horse battery"  # the conftest's make_member password
NEW_PASSWORD = "a brand new passphrase"


def browser_for(member: User, password: str = PASSWORD) -> Client:
    browser = Client()
    assert browser.login(username=member.handle, password=password)
    return browser


def signed_in(browser: Client) -> bool:
    """Whether the web still knows the browser's member (a members-only page answers instead of redirecting)."""
    response = browser.get("/me/settings")
    if response.status_code == 302:
        assert response["Location"] == "/signin/?next=/me/settings"
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def bearer(api):
    """`bearer(secret)`: an API client checked against the schema, as `api`, that sends this token."""
    return lambda secret: type(api)(api.openapi, secret)


@pytest.fixture
def token_works(bearer, problem):
    """`token_works(secret)`: whether the API still accepts the token (else it answers 401 invalid_token)."""

    def check(secret: str) -> bool:
        response = bearer(secret).get("/accounts/me")
        if response.status_code == 401:
            problem(response, 401, "invalid_token")
            return False
        assert response.status_code == 200
        return True

    return check


@pytest.fixture
def mia(make_member):
    """A member with two tokens and two signed-in browsers."""
    member = make_member("mia")
    _a, secret_a = token_issue(user=member, name="phone")
    _b, secret_b = token_issue(user=member, name="laptop")
    return member, secret_a, secret_b, browser_for(member), browser_for(member)


def test_sessions_carry_the_password_hash_so_a_new_password_signs_them_out(make_member):
    """The mechanism the revocation relies on: Django keeps an HMAC of the password hash in each session
    (`get_session_auth_hash`) and `get_user` signs out a session whose HMAC no longer matches."""
    member = make_member("nia")
    browser = browser_for(member)
    stored = Session.objects.get().get_decoded()
    assert stored[HASH_SESSION_KEY] == member.get_session_auth_hash()
    assert signed_in(browser)
    account_change_password(user=member, current_password=PASSWORD, new_password=NEW_PASSWORD)
    assert not signed_in(browser)
    assert not Session.objects.exists()  # flushed on its next request
    assert signed_in(browser_for(member, NEW_PASSWORD))


def test_password_change_on_the_settings_page_signs_out_other_sessions_and_every_token(mia, token_works):
    member, secret_a, secret_b, browser_1, browser_2 = mia
    assert signed_in(browser_1)
    assert signed_in(browser_2)
    assert token_works(secret_a)
    assert token_works(secret_b)
    response = browser_1.post(
        "/me/settings",
        {"action": "password", "current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(browser_1)  # the session that changed it stays
    assert not signed_in(browser_2)
    assert not token_works(secret_a)
    assert not token_works(secret_b)
    assert not ApiToken.objects.filter(user=member).exists()
    assert signed_in(browser_1)


def test_a_wrong_current_password_on_the_settings_page_revokes_nothing(mia, token_works):
    _member, secret_a, _secret_b, browser_1, browser_2 = mia
    response = browser_1.post(
        "/me/settings",
        {"action": "password", "current_password": "not it at all", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert signed_in(browser_2)
    assert token_works(secret_a)


def test_password_change_through_the_api_keeps_only_the_token_that_asked(mia, token_works, bearer):
    member, secret_a, secret_b, browser_1, browser_2 = mia
    response = bearer(secret_a).post(
        "/accounts/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204
    assert token_works(secret_a)
    assert not token_works(secret_b)
    assert not signed_in(browser_1)
    assert not signed_in(browser_2)
    assert list(ApiToken.objects.filter(user=member).values_list("name", flat=True)) == ["phone"]


def test_password_change_through_the_api_with_the_session_cookie_keeps_that_session(mia, token_works):
    _member, secret_a, secret_b, _browser_1, browser_2 = mia
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="mia", password=PASSWORD)
    assert browser.get("/me/settings").status_code == 200  # sets the CSRF cookie
    response = browser.post(
        "/api/v1/accounts/me/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
        headers={"X-CSRFToken": browser.cookies["csrftoken"].value},
    )
    assert response.status_code == 204
    assert signed_in(browser)
    assert not signed_in(browser_2)
    assert not token_works(secret_a)
    assert not token_works(secret_b)


def test_revoking_credentials_for_a_reset_leaves_no_token(mia, make_member):
    member, *_rest = mia
    other = make_member("other")
    token_issue(user=other)
    assert account_revoke_credentials(user=member) == 2
    assert not ApiToken.objects.filter(user=member).exists()
    assert ApiToken.objects.filter(user=other).count() == 1


def test_token_list_shows_name_times_and_expiry_but_never_the_secret(make_member, bearer):
    member = make_member("liu")
    signed_up, secret_a = token_issue(user=member, name="phone")
    soon = timezone.now() + timedelta(days=7)
    _b, secret_b = token_issue(user=member, name="laptop", expires_at=soon)
    _other, other_secret = token_issue(user=make_member("zed"), name="not yours")
    client = bearer(secret_a)
    response = client.get("/tokens")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["name"] for item in items] == ["laptop", "phone"]  # newest first, only the member's
    laptop, phone = items
    assert set(phone) == {"id", "name", "created_at", "last_used_at", "expires_at", "current"}
    assert phone["id"] == str(signed_up.pk)
    assert phone["current"] is True
    assert laptop["current"] is False
    assert phone["expires_at"] is None
    assert parse_datetime(laptop["expires_at"]) == soon
    assert parse_datetime(phone["created_at"]) == signed_up.created_at
    assert phone["last_used_at"] is not None  # this very request
    assert laptop["last_used_at"] is None
    for secret in (secret_a, secret_b, other_secret, signed_up.digest):
        assert secret.encode() not in response.content
    page = client.get("/tokens", query_params={"limit": 1})
    assert [item["name"] for item in page.json()["items"]] == ["laptop"]
    rest = client.get("/tokens", query_params={"cursor": page.json()["next_cursor"]})
    assert [item["name"] for item in rest.json()["items"]] == ["phone"]


def test_token_list_needs_a_member(api, problem):
    problem(api.get("/tokens"), 401, "not_authenticated")


def test_last_use_is_written_at_most_once_a_minute(make_member, bearer):
    member = make_member("kai")
    token, secret = token_issue(user=member)
    client = bearer(secret)
    assert client.get("/accounts/me").status_code == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/me").status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    assert client.get("/accounts/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_a_token_can_expire_after_some_days_or_at_a_moment(api, make_member, token_works):
    make_member("eli")
    response = api.post("/tokens", json={"handle": "eli", "password": PASSWORD, "expires_in_days": 30})
    assert response.status_code == 201
    expires_at = parse_datetime(response.json()["expires_at"])
    assert expires_at is not None
    assert abs(expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    moment = (timezone.now() + timedelta(hours=5)).replace(microsecond=0)
    response = api.post(
        "/tokens", json={"handle": "eli", "password": PASSWORD, "expires_at": moment.isoformat()}
    )
    assert response.status_code == 201
    assert parse_datetime(response.json()["expires_at"]) == moment
    assert ApiToken.objects.get(pk=response.json()["id"]).expires_at == moment
    response = api.post("/tokens", json={"handle": "eli", "password": PASSWORD})
    assert response.json()["expires_at"] is None
    assert token_works(response.json()["token"])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"expires_in_days": 0}, ("invalid_input", "payload.expires_in_days")),
        ({"expires_in_days": 3651}, ("invalid_input", "payload.expires_in_days")),
        ({"expires_at": "2020-01-01T00:00:00Z"}, ("invalid_expiry", "expires_at")),
        ({"expires_at": "2999-01-01T00:00:00Z"}, ("invalid_expiry", "expires_at")),
        ({"expires_at": "2999-01-01T00:00:00Z", "expires_in_days": 3}, ("invalid_expiry", "expires_at")),
    ],
)
def test_a_bad_expiry_is_refused_and_issues_no_token(api, make_member, problem, extra, expected):
    code, field = expected
    make_member("eli")
    body = problem(api.post("/tokens", json={"handle": "eli", "password": PASSWORD, **extra}), 422, code)
    assert body["errors"][0]["field"] == field
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused_with_401(make_member, token_works, bearer, problem):
    member = make_member("ola")
    token, secret = token_issue(user=member, expires_at=timezone.now() + timedelta(days=1))
    assert token_works(secret)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = bearer(secret)
    problem(client.get("/accounts/me"), 401, "token_expired")
    problem(client.get("/notes"), 401, "token_expired")  # public reads too: never silently anonymous


def test_delete_token_revokes_one_of_yours_and_404s_otherwise(make_member, token_works, bearer, problem):
    member = make_member("pia")
    _current, secret = token_issue(user=member, name="this one")
    spare, spare_secret = token_issue(user=member, name="spare")
    theirs, their_secret = token_issue(user=make_member("quinn"))
    client = bearer(secret)
    problem(client.delete(f"/tokens/{theirs.pk}"), 404, "token_not_found")
    assert token_works(their_secret)
    assert client.delete(f"/tokens/{spare.pk}").status_code == 204
    assert not token_works(spare_secret)
    problem(client.delete(f"/tokens/{spare.pk}"), 404, "token_not_found")
    assert [item["name"] for item in client.get("/tokens").json()["items"]] == ["this one"]
