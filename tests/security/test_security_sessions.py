"""The session index: listed, revoked (the next request is signed out), sign out everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client

from hongshu.accounts.models import ApiToken, User
from hongshu.accounts.services import token_issue
from hongshu.security.models import MemberSession

PASSWORD = "correct horse battery"


def signed_in(handle: str = "alice", agent: str = "Browser A") -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    assert client.post("/signin/", {"handle": handle, "password": PASSWORD}).status_code == 302
    return client


def _me(client: Client) -> int:
    return int(client.get("/api/v1/accounts/me").status_code)


def test_signing_in_records_the_session_and_signing_out_drops_it(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    client = signed_in()
    row = MemberSession.objects.get(user=alice)
    assert row.user_agent == "Browser A"
    assert row.ip == "127.0.0.1"
    key = client.session.session_key
    assert key
    assert row.key_digest == MemberSession.digest_of(key)
    assert key not in row.key_digest
    client.post("/signout/")
    assert not MemberSession.objects.filter(user=alice).exists()


def test_sessions_listed_by_cookie_and_token(
    make_member: Callable[..., User], cookie_api: Any, api: Any
) -> None:
    alice = make_member("alice")
    one, two = signed_in(agent="Browser A"), signed_in(agent="Browser B")
    listed = cookie_api(one).get("/accounts/me/sessions").json()
    assert sorted(s["user_agent"] for s in listed) == ["Browser A", "Browser B"]
    assert [s["current"] for s in listed if s["user_agent"] == "Browser A"] == [True]
    _t, secret = token_issue(user=alice)
    by_token = api.get("/accounts/me/sessions", headers={"Authorization": f"Bearer {secret}"}).json()
    assert len(by_token) == 2
    assert not any(s["current"] for s in by_token)
    assert _me(two) == 200


def test_revoking_a_session_signs_it_out_on_its_next_request(
    make_member: Callable[..., User], cookie_api: Any, problem: Any
) -> None:
    make_member("alice")
    bob = make_member("bob")
    one, two = signed_in(agent="Browser A"), signed_in(agent="Browser B")
    api = cookie_api(one)
    other = next(s for s in api.get("/accounts/me/sessions").json() if not s["current"])
    two_key = two.session.session_key
    bobs = signed_in("bob")
    bob_session = MemberSession.objects.get(user=bob)
    problem(api.delete(f"/accounts/me/sessions/{bob_session.pk}"), 404, "session_not_found")
    assert api.delete(f"/accounts/me/sessions/{other['id']}").status_code == 204
    assert _me(two) == 401  # signed out
    assert not Session.objects.filter(session_key=two_key).exists()  # and gone from the store
    assert _me(two) == 401
    assert _me(one) == 200
    assert _me(bobs) == 200


def test_web_revoke_and_sign_out_everywhere(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    one, two, three = signed_in(agent="A"), signed_in(agent="B"), signed_in(agent="C")
    token, _secret = token_issue(user=alice, name="cli")
    page = one.get("/me/security").content.decode()
    assert "this browser" in page
    assert "cli" in page
    row_b = MemberSession.objects.get(user_agent="B")
    assert one.post(f"/me/security/sessions/{row_b.pk}/revoke").status_code == 302
    assert _me(two) == 401
    assert _me(three) == 200
    assert one.post(f"/me/security/tokens/{token.pk}/revoke").status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    token_issue(user=alice)
    assert one.post("/me/security/sign-out-everywhere").status_code == 302
    assert _me(three) == 401
    assert _me(one) == 200
    assert not ApiToken.objects.filter(user=alice).exists()
    assert MemberSession.objects.filter(user=alice).count() == 1


def test_api_sign_out_everywhere_by_token_keeps_that_token(
    member_api: Any, make_member: Callable[..., User]
) -> None:
    alice, api = member_api("alice")
    browser = signed_in()
    token_issue(user=alice)
    answer = api.post("/accounts/me/sign-out-everywhere")
    assert answer.json() == {"sessions": 1, "tokens": 1}
    assert _me(browser) == 401
    assert api.get("/accounts/me").status_code == 200


def test_signed_out_security_is_refused(api: Any, problem: Any) -> None:
    problem(api.get("/accounts/me/sessions"), 401, "not_authenticated")
    problem(api.post("/accounts/me/sign-out-everywhere"), 401, "not_authenticated")
    problem(api.delete("/accounts/me/sessions/1"), 401, "not_authenticated")
    response = Client().get("/me/security")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=")
    assert Client().post("/me/security/sign-out-everywhere").status_code == 302


def test_security_page_enrols_totp_with_a_qr_code(make_member: Callable[..., User]) -> None:
    import pyotp

    make_member("alice")
    client = signed_in()
    assert client.post("/me/security/totp").status_code == 302
    page = client.get("/me/security").content.decode()
    assert 'src="data:image/svg+xml' in page
    assert "otpauth://totp/" in page
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    codes = client.post("/me/security/totp/confirm", {"code": pyotp.TOTP(secret).now()})
    assert codes.status_code == 200
    assert codes.content.decode().count("<li><code>") == 10
    assert "On: signing in asks" in client.get("/me/security").content.decode()


def test_last_seen_is_touched_at_most_once_a_minute(make_member: Callable[..., User]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    alice = make_member("alice")
    client = signed_in()
    row = MemberSession.objects.get(user=alice)
    first = row.last_seen_at
    assert _me(client) == 200
    row.refresh_from_db()
    assert row.last_seen_at == first  # within the minute: no write
    long_ago = timezone.now() - timedelta(minutes=5)
    MemberSession.objects.filter(pk=row.pk).update(last_seen_at=long_ago)
    assert _me(client) == 200
    row.refresh_from_db()
    assert row.last_seen_at > long_ago + timedelta(minutes=4)
