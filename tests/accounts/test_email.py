"""Email: addresses at sign-up and in settings, verification links, password reset, notices, languages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hongshu.accounts import emails
from hongshu.accounts.mail import mail_language
from hongshu.accounts.models import ApiToken, User
from hongshu.accounts.services import account_create, token_issue
from hongshu.accounts.verification import verification_token_make
from hongshu.core.errors import Conflict, InvalidInput, NotAuthenticated
from hongshu.core.runtime import runtime_set

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new secret 42"

pytestmark = pytest.mark.django_db


def _link(message: Any) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return found.group(0)


def _path(message: Any) -> str:
    return "/" + _link(message).split("/", 3)[3]


def _token_of(message: Any) -> str:
    return _link(message).rsplit("/", 1)[1]


def _verified(handle: str, email: str, after_commit: Callable[..., Any], **fields: Any) -> User:
    with after_commit():
        user = account_create(handle=handle, password=PASSWORD, email=email, **fields)
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    mail.outbox.clear()
    return user


# --- sign-up -------------------------------------------------------------------------------------------


def test_sign_up_without_an_address_sends_nothing(after_commit: Callable[..., Any]) -> None:
    with after_commit():
        user = account_create(handle="noemail", password=PASSWORD)
    assert user.email == ""
    assert user.email_verified_at is None
    assert mail.outbox == []


def test_sign_up_with_an_address_mails_a_verification_link(after_commit: Callable[..., Any]) -> None:
    with after_commit():
        user = account_create(handle="withmail", password=PASSWORD, email="  Wendy@Example.ORG ")
    assert user.email == "Wendy@example.org"  # the domain in lower case, the local part as typed
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Wendy@example.org"]
    assert message.subject == "Confirm your email address for Hongshu"
    assert "/email/verify/" in message.body


def test_sign_up_refuses_a_bad_or_taken_address(after_commit: Callable[..., Any]) -> None:
    with pytest.raises(InvalidInput) as bad:
        account_create(handle="badmail", password=PASSWORD, email="not-an-address")
    assert bad.value.code == "invalid_email"
    with after_commit():
        account_create(handle="first", password=PASSWORD, email="same@example.org")
    with pytest.raises(Conflict) as taken:
        account_create(handle="second", password=PASSWORD, email="SAME@example.org")
    assert taken.value.code == "email_taken"
    assert "second" not in str(taken.value)
    assert "first" not in str(taken.value)
    assert not User.objects.filter(handle="second").exists()


def test_required_mode_refuses_a_sign_up_without_an_address(api: Any, problem: Any) -> None:
    runtime_set(key="email_at_sign_up", value="required", actor_id=None, reason="test")
    problem(api.post("/accounts", json={"handle": "nomail", "password": PASSWORD}), 422, "email_required")
    assert not User.objects.filter(handle="nomail").exists()
    response = api.post(
        "/accounts", json={"handle": "hasmail", "password": PASSWORD, "email": "h@example.org"}
    )
    assert response.status_code == 201


def test_api_sign_up_with_a_taken_address_is_409(api: Any, problem: Any, make_member: Any) -> None:
    make_member("owner", email="owner@example.org")
    body = problem(
        api.post("/accounts", json={"handle": "other", "password": PASSWORD, "email": "Owner@Example.org"}),
        409,
        "email_taken",
    )
    assert "owner" not in body["detail"].lower().replace("owner@", "")


# --- verification --------------------------------------------------------------------------------------


def test_verification_happy_path_by_api(member_api: Any, after_commit: Callable[..., Any]) -> None:
    with after_commit():
        user, client = member_api("vera", email="vera@example.org")
    token = _token_of(mail.outbox[0])
    assert client.get("/accounts/me/email").json() == {
        "email": "vera@example.org",
        "verified": False,
        "verified_at": None,
    }
    response = client.post("/accounts/me/email/verify", json={"token": token})
    assert response.status_code == 200
    assert response.json()["verified"] is True
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_a_link_for_another_member_is_refused(member_api: Any, problem: Any, after_commit: Any) -> None:
    with after_commit():
        alice, _client = member_api("alice", email="alice@example.org")
    _bob, bob_client = member_api("bob")
    token = _token_of(mail.outbox[0])
    problem(bob_client.post("/accounts/me/email/verify", json={"token": token}), 422, "wrong_account")
    alice.refresh_from_db()
    assert alice.email_verified_at is None


def test_a_link_for_an_old_address_is_useless(after_commit: Callable[..., Any]) -> None:
    with after_commit():
        user = account_create(handle="mover", password=PASSWORD, email="old@example.org")
    old_token = _token_of(mail.outbox[0])
    with after_commit():
        emails.email_change(user=user, email="new@example.org", password=PASSWORD)
    with pytest.raises(InvalidInput) as refused:
        emails.email_verify(token=old_token, user=user)
    assert refused.value.code == "email_changed"
    emails.email_verify(token=_token_of(mail.outbox[-1]), user=user)
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert user.email_verified_at is not None


def test_an_expired_or_forged_link_is_refused(make_member: Any) -> None:
    user = make_member("late", email="late@example.org")
    token = verification_token_make(user_id=user.pk, email=user.email)
    with time_machine.travel(timezone.now() + timedelta(days=4)), pytest.raises(InvalidInput) as expired:
        emails.email_verify(token=token)
    assert expired.value.code == "link_expired"
    with pytest.raises(InvalidInput) as forged:
        emails.email_verify(token=token[:-3] + "xyz")
    assert forged.value.code == "invalid_link"
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_resend_is_rate_limited(member_api: Any, rate_limits: Any, problem: Any, after_commit: Any) -> None:
    rate_limits(**{"email_verification.account": "1 per 1 hour"})
    _user, client = member_api("again", email="again@example.org")
    with after_commit():
        assert client.post("/accounts/me/email/resend").status_code == 202
    assert len(mail.outbox) == 1
    refused = problem(client.post("/accounts/me/email/resend"), 429, "rate_limited")
    assert refused["limit"] == "email_verification"


# --- changing the address ------------------------------------------------------------------------------


def test_changing_the_address_unverifies_it_and_tells_the_old_one(
    member_api: Any, after_commit: Callable[..., Any], problem: Any
) -> None:
    user, client = member_api("changer", email="before@example.org")
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    problem(
        client.post("/accounts/me/email", json={"email": "after@example.org", "password": "wrong"}),
        401,
        "invalid_credentials",
    )
    with after_commit():
        response = client.post(
            "/accounts/me/email", json={"email": "after@example.org", "password": PASSWORD}
        )
    assert response.json() == {"email": "after@example.org", "verified": False, "verified_at": None}
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["before@example.org"].subject == "Your Hongshu email address was changed"
    assert "after@example.org" not in by_address["before@example.org"].body
    assert "/email/verify/" in by_address["after@example.org"].body


def test_the_new_address_must_be_free(make_member: Any) -> None:
    make_member("holder", email="held@example.org")
    user = make_member("taker")
    with pytest.raises(Conflict):
        emails.email_change(user=user, email="HELD@example.org", password=PASSWORD)
    with pytest.raises(NotAuthenticated):
        emails.email_change(user=user, email="free@example.org", password="nope")


# --- password reset ------------------------------------------------------------------------------------


def test_reset_answers_the_same_for_unknown_and_known_logins(
    api: Any, after_commit: Callable[..., Any]
) -> None:
    _verified("known", "known@example.org", after_commit)
    answers = []
    for login in ("nobody", "nobody@example.org", "known", "@KNOWN", "Known@Example.org"):
        with after_commit():
            response = api.post("/password-reset", json={"login": login})
        answers.append((response.status_code, response.json()))
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0] == 202
    assert [message.to for message in mail.outbox] == [["known@example.org"]] * 3


def test_an_unverified_address_gets_no_reset(api: Any, after_commit: Callable[..., Any]) -> None:
    with after_commit():
        account_create(handle="unproven", password=PASSWORD, email="unproven@example.org")
    mail.outbox.clear()
    with after_commit():
        assert api.post("/password-reset", json={"login": "unproven"}).status_code == 202
    assert mail.outbox == []


def test_reset_sets_the_password_once_and_signs_out_everywhere(
    api: Any, openapi: Any, after_commit: Callable[..., Any], problem: Any
) -> None:
    user = _verified("resetme", "resetme@example.org", after_commit)
    token_issue(user=user)
    web = Client()
    assert web.post("/signin/", {"handle": "resetme", "password": PASSWORD}).status_code == 302
    with after_commit():
        api.post("/password-reset", json={"login": "resetme"})
    uid, token = _path(mail.outbox[0]).split("/")[2:4]
    mail.outbox.clear()
    with after_commit():
        response = api.post(
            "/password-reset/confirm", json={"uid": uid, "token": token, "new_password": NEW_PASSWORD}
        )
    assert response.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=user).exists()
    assert web.get("/me/settings").status_code == 302  # the old session is signed out
    assert [message.subject for message in mail.outbox] == ["Your Hongshu password was changed"]
    # Used once: the same link no longer works.
    again = api.post(
        "/password-reset/confirm", json={"uid": uid, "token": token, "new_password": "x" + NEW_PASSWORD}
    )
    problem(again, 422, "reset_link_invalid")
    assert api.post("/tokens", json={"handle": "resetme", "password": NEW_PASSWORD}).status_code == 201


def test_an_expired_reset_link_is_refused(settings: Any, after_commit: Callable[..., Any]) -> None:
    user = _verified("slow", "slow@example.org", after_commit)
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)):
        assert emails.password_reset_user(uid=uid, token=token) == user  # still good just before
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 5)
    with time_machine.travel(later), pytest.raises(InvalidInput) as expired:
        emails.password_reset_confirm(uid=uid, token=token, new_password=NEW_PASSWORD)
    assert expired.value.code == "reset_link_invalid"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_is_rate_limited_per_login(api: Any, rate_limits: Any, problem: Any) -> None:
    rate_limits(**{"password_reset.login": "2 per 1 hour", "password_reset.ip": "50 per 1 hour"})
    for address in ("10.1.0.1", "10.2.0.1"):
        assert api.post("/password-reset", json={"login": "victim"}, REMOTE_ADDR=address).status_code == 202
    refused = api.post("/password-reset", json={"login": "@Victim"}, REMOTE_ADDR="10.3.0.1")
    body = problem(refused, 429, "rate_limited")
    assert body["limit"] == "password_reset"
    assert body["scope"] == "login"
    assert refused["Retry-After"]
    assert refused["RateLimit-Limit"] == "2"
    assert api.post("/password-reset", json={"login": "other"}, REMOTE_ADDR="10.3.0.1").status_code == 202


# --- notices -------------------------------------------------------------------------------------------


def test_a_sign_in_from_an_unknown_device_is_told_a_known_one_is_not(
    api: Any, after_commit: Callable[..., Any]
) -> None:
    _verified("watched", "watched@example.org", after_commit)
    with after_commit():
        first = api.post(
            "/tokens",
            json={"handle": "watched", "password": PASSWORD},
            REMOTE_ADDR="203.0.113.7",
            headers={"User-Agent": "TestPhone/1.0"},
        )
    assert first.status_code == 201
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.subject == "New sign-in to your Hongshu account"
    assert "203.0.113.7" in notice.body
    assert "TestPhone/1.0" in notice.body
    assert "UTC" in notice.body
    device = first.json()["device_token"]
    with after_commit():
        api.post(
            "/tokens", json={"handle": "watched", "password": PASSWORD}, headers={"Hongshu-Device": device}
        )
    assert len(mail.outbox) == 1  # a known device: no mail


def test_web_sign_in_notice_and_not_for_an_unverified_address(after_commit: Callable[..., Any]) -> None:
    _verified("webwatch", "webwatch@example.org", after_commit)
    with after_commit():
        account_create(handle="quiet", password=PASSWORD, email="quiet@example.org")
    mail.outbox.clear()
    browser = Client(HTTP_USER_AGENT="Firefox/200")
    with after_commit():
        assert browser.post("/signin/", {"handle": "webwatch", "password": PASSWORD}).status_code == 302
        assert Client().post("/signin/", {"handle": "quiet", "password": PASSWORD}).status_code == 302
    assert [message.to for message in mail.outbox] == [["webwatch@example.org"]]
    assert "Firefox/200" in mail.outbox[0].body
    with after_commit():  # the same browser again: its device cookie is known
        browser.post("/signin/", {"handle": "webwatch", "password": PASSWORD})
    assert len(mail.outbox) == 1


def test_a_password_change_is_told(member_api: Any, after_commit: Callable[..., Any]) -> None:
    user, client = member_api("changes", email="changes@example.org")
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    mail.outbox.clear()
    with after_commit():
        response = client.post(
            "/accounts/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
    assert response.status_code == 204
    assert [message.subject for message in mail.outbox] == ["Your Hongshu password was changed"]


# --- languages -----------------------------------------------------------------------------------------


def test_the_language_of_a_mail_follows_the_member(after_commit: Callable[..., Any]) -> None:
    with after_commit():
        account_create(
            handle="xiaoyu", password=PASSWORD, email="xy@example.org", languages=["zh-Hans", "en"]
        )
        account_create(handle="emily", password=PASSWORD, email="em@example.org", languages=["en", "zh-Hans"])
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["xy@example.org"].subject == "确认你在红薯的电子邮件地址"
    assert by_address["em@example.org"].subject == "Confirm your email address for Hongshu"


def test_mail_language_reads_the_first_language() -> None:
    assert mail_language(User(languages=["zh-TW"])) == "zh-hans"
    assert mail_language(User(languages=["en", "zh-Hans"])) == "en"
    assert mail_language(User(languages=[])) == "en"


def test_a_link_mail_has_an_html_part_in_the_same_language(after_commit: Callable[..., Any]) -> None:
    with after_commit():
        account_create(handle="htmlzh", password=PASSWORD, email="hz@example.org", languages=["zh"])
    message = mail.outbox[0]
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert f'href="{_link(message)}"' in html
    assert '<html lang="zh-hans">' in html
    assert "确认你在红薯的电子邮件地址" in html


def test_a_reset_forgets_the_known_devices(api: Any, after_commit: Callable[..., Any]) -> None:
    user = _verified("devices", "devices@example.org", after_commit)
    with after_commit():
        device = api.post("/tokens", json={"handle": "devices", "password": PASSWORD}).json()["device_token"]
    mail.outbox.clear()
    with after_commit():
        emails.password_reset_confirm(
            uid=urlsafe_base64_encode(force_bytes(user.pk)),
            token=default_token_generator.make_token(user),
            new_password=NEW_PASSWORD,
        )
    mail.outbox.clear()
    with after_commit():
        again = api.post(
            "/tokens",
            json={"handle": "devices", "password": NEW_PASSWORD},
            headers={"Hongshu-Device": device},
        )
    assert again.status_code == 201
    # The device is no longer known: the sign-in is told, as from any new device.
    assert [message.subject for message in mail.outbox] == ["New sign-in to your Hongshu account"]
