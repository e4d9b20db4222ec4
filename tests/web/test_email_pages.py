"""Email pages: sign-up with an address, the settings form, /email/verify, /password-reset."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from hongshu.accounts.models import ApiToken, User
from hongshu.accounts.services import account_create, token_issue
from hongshu.core.runtime import runtime_set

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new secret 42"

pytestmark = pytest.mark.django_db


def _path(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def _signed_in(handle: str) -> Client:
    client = Client()
    assert client.post("/signin/", {"handle": handle, "password": PASSWORD}).status_code == 302
    return client


def test_web_sign_up_with_an_address_and_verify_signed_in(after_commit: Callable[..., Any]) -> None:
    client = Client()
    with after_commit():
        response = client.post(
            "/signup/", {"handle": "webby", "password": PASSWORD, "email": "webby@example.org"}
        )
    assert response.status_code == 302
    page = client.get("/me/settings").content.decode()
    assert "webby@example.org" in page
    assert 'data-testid="email-unverified"' in page
    verify = client.get(_path(mail.outbox[0]))
    assert verify.status_code == 200
    assert 'data-testid="verify-done"' in verify.content.decode()
    assert 'data-testid="email-verified"' in client.get("/me/settings").content.decode()


def test_a_link_opened_signed_out_verifies_and_one_of_another_member_does_not(
    after_commit: Callable[..., Any],
) -> None:
    with after_commit():
        account_create(handle="owner", password=PASSWORD, email="owner@example.org")
    account_create(handle="stranger", password=PASSWORD)
    path = _path(mail.outbox[0])
    refused = _signed_in("stranger").get(path)
    assert refused.status_code == 422
    assert 'data-testid="verify-error"' in refused.content.decode()
    assert User.objects.get(handle="owner").email_verified_at is None
    assert Client().get(path).status_code == 200  # signed out: the token is the proof
    assert User.objects.get(handle="owner").email_verified_at is not None
    assert Client().get("/email/verify/garbage").status_code == 422


def test_web_sign_up_with_a_taken_address_shows_it_on_the_field(after_commit: Callable[..., Any]) -> None:
    account_create(handle="first", password=PASSWORD, email="taken@example.org")
    response = Client().post(
        "/signup/", {"handle": "second", "password": PASSWORD, "email": "Taken@example.org"}
    )
    assert response.status_code == 200
    assert "This email address cannot be used" in response.content.decode()
    assert not User.objects.filter(handle="second").exists()


def test_settings_form_changes_the_address(after_commit: Callable[..., Any]) -> None:
    account_create(handle="setter", password=PASSWORD)
    client = _signed_in("setter")
    wrong = client.post("/me/settings", {"action": "email", "email": "s@example.org", "password": "nope"})
    assert wrong.status_code == 422
    with after_commit():
        done = client.post(
            "/me/settings", {"action": "email", "email": "s@example.org", "password": PASSWORD}
        )
    assert done.status_code == 302
    assert User.objects.get(handle="setter").email == "s@example.org"
    assert [message.to for message in mail.outbox] == [["s@example.org"]]
    with after_commit():
        assert client.post("/me/email/resend").status_code == 302
    assert len(mail.outbox) == 2


def test_settings_email_by_cookie_api(cookie_api: Any, after_commit: Callable[..., Any]) -> None:
    account_create(handle="cookie", password=PASSWORD)
    api = cookie_api(_signed_in("cookie"))
    with after_commit():
        response = api.post("/accounts/me/email", json={"email": "c@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["verified"] is False
    token = _path(mail.outbox[0]).rsplit("/", 1)[1]
    assert api.post("/accounts/me/email/verify", json={"token": token}).json()["verified"] is True


def _verified(handle: str, email: str) -> User:
    user = account_create(handle=handle, password=PASSWORD, email=email)
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def test_web_password_reset_from_request_to_new_sign_in(after_commit: Callable[..., Any]) -> None:
    user = _verified("forgetful", "forgetful@example.org")
    token_issue(user=user)
    old_session = _signed_in("forgetful")
    mail.outbox.clear()
    client = Client()
    assert "password-reset" in client.get("/signin/").content.decode()
    with after_commit():
        sent = client.post("/password-reset", {"login": "forgetful@example.org"})
    unknown = client.post("/password-reset", {"login": "nobody"})
    assert sent.status_code == unknown.status_code == 200
    for page in (sent.content.decode(), unknown.content.decode()):
        assert 'data-testid="reset-sent"' in page
        assert "If an account with a verified email address" in page
    assert len(mail.outbox) == 1
    path = _path(mail.outbox[0])
    assert client.get(path).status_code == 200
    with after_commit():
        done = client.post(path, {"new_password": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/signin/"
    assert old_session.get("/me/settings").status_code == 302
    assert not ApiToken.objects.filter(user=user).exists()
    used = client.get(path)
    assert used.status_code == 422
    assert 'data-testid="reset-error"' in used.content.decode()
    assert _signed_in_with(NEW_PASSWORD, "forgetful")


def _signed_in_with(password: str, handle: str) -> bool:
    return Client().post("/signin/", {"handle": handle, "password": password}).status_code == 302


def test_a_used_reset_link_page_is_in_the_readers_language(after_commit: Callable[..., Any]) -> None:
    client = Client()
    client.cookies["hongshu_language"] = "zh-hans"
    response = client.get("/password-reset/MQ/bad-token")
    assert response.status_code == 422
    assert "重置密码的链接已过期或已使用" in response.content.decode()


def test_web_password_reset_rate_limited(rate_limits: Any) -> None:
    rate_limits(**{"password_reset.ip": "1 per 1 hour"})
    client = Client()
    assert client.post("/password-reset", {"login": "a"}).status_code == 200
    refused = client.post("/password-reset", {"login": "b"})
    assert refused.status_code == 429
    assert refused["Retry-After"]


def test_web_sign_up_in_required_mode_asks_for_the_address() -> None:
    runtime_set(key="email_at_sign_up", value="required", actor_id=None, reason="test")
    response = Client().post("/signup/", {"handle": "bare", "password": PASSWORD})
    assert response.status_code == 200
    assert "An email address is required to join." in response.content.decode()
    assert not User.objects.filter(handle="bare").exists()
