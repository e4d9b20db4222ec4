"""Passkey endpoints without a browser (the full ceremony runs in tests/browser/test_security_in_chromium.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client
from webauthn.helpers import bytes_to_base64url

from hongshu.accounts.models import User
from hongshu.security.models import Passkey

PASSWORD = "correct horse battery"


def _signed_in(handle: str = "alice") -> Client:
    client = Client()
    assert client.post("/signin/", {"handle": handle, "password": PASSWORD}).status_code == 302
    return client


def _passkey(user: User, name: str = "Phone") -> Passkey:
    return Passkey.objects.create(
        user=user, credential_id=bytes_to_base64url(name.encode()), public_key=b"\x01", name=name
    )


def test_registration_options_name_this_host_and_keep_the_challenge(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    client = _signed_in()
    _passkey(alice)
    options = client.post("/me/security/passkeys/options").json()
    assert options["rp"] == {"id": "testserver", "name": "Hongshu"}
    assert options["user"]["name"] == "alice"
    assert [c["id"] for c in options["excludeCredentials"]] == [bytes_to_base64url(b"Phone")]
    assert client.session["security_challenge"] == options["challenge"]


def test_a_forged_registration_is_refused_and_spends_the_challenge(make_member: Callable[..., User]) -> None:
    make_member("alice")
    client = _signed_in()
    client.post("/me/security/passkeys/options")
    forged = {"credential": {"id": "x", "rawId": "x", "type": "public-key", "response": {}}, "name": "mine"}
    refused = client.post("/me/security/passkeys", json.dumps(forged), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["error"]
    again = client.post("/me/security/passkeys", json.dumps(forged), content_type="application/json")
    assert again.status_code == 400  # no challenge left to answer
    assert not Passkey.objects.exists()


def test_registering_needs_a_signed_in_member(db: None) -> None:
    response = Client().post("/me/security/passkeys/options")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")


def test_a_passkey_makes_sign_in_two_step_and_a_forged_assertion_is_refused(
    make_member: Callable[..., User],
) -> None:
    alice = make_member("alice")
    _passkey(alice)
    client = Client()
    assert client.post("/signin/", {"handle": "alice", "password": PASSWORD})["Location"] == "/sign-in/verify"
    page = client.get("/sign-in/verify").content.decode()
    assert "Use a passkey" in page
    options = client.post("/sign-in/verify/passkey/options").json()
    assert options["rpId"] == "testserver"
    assert [c["id"] for c in options["allowCredentials"]] == [bytes_to_base64url(b"Phone")]
    phone = bytes_to_base64url(b"Phone")
    forged = {"credential": {"id": phone, "rawId": phone, "type": "public-key", "response": {}}}
    refused = client.post("/sign-in/verify/passkey", json.dumps(forged), content_type="application/json")
    assert refused.status_code == 401
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_passkeys_api_lists_and_deletes_and_recovery_codes_serve_the_api_sign_in(
    member_api: Any, make_member: Callable[..., User], problem: Any, api: Any
) -> None:
    alice, member = member_api("alice")
    problem(member.post("/accounts/me/two-factor/recovery-codes"), 404, "second_factor_not_enabled")
    key = _passkey(alice)
    listed = member.get("/accounts/me/passkeys").json()
    assert [(p["id"], p["name"]) for p in listed] == [(str(key.pk), "Phone")]
    credentials = {"handle": "alice", "password": PASSWORD}
    problem(api.post("/tokens", json=credentials), 401, "second_factor_required")
    codes = member.post("/accounts/me/two-factor/recovery-codes").json()["recovery_codes"]
    assert api.post("/tokens", json={**credentials, "otp": codes[0]}).status_code == 201
    bob = make_member("bob")
    bobs = _passkey(bob, "Bob key")
    problem(member.delete(f"/accounts/me/passkeys/{bobs.pk}"), 404, "passkey_not_found")
    assert member.delete(f"/accounts/me/passkeys/{key.pk}").status_code == 204
    assert member.get("/accounts/me/passkeys").json() == []
    assert member.get("/accounts/me/two-factor").json()["required"] is False


def test_passwordless_sign_in_refuses_an_unknown_or_forged_passkey(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    _passkey(alice)
    client = Client()
    options = client.post("/sign-in/passkey/options").json()
    assert options["rpId"] == "testserver"
    assert options["allowCredentials"] == []
    assert options["userVerification"] == "required"
    phone = bytes_to_base64url(b"Phone")
    for credential_id in (phone, bytes_to_base64url(b"unknown")):
        client.post("/sign-in/passkey/options")
        forged = {
            "credential": {"id": credential_id, "rawId": credential_id, "type": "public-key", "response": {}}
        }
        refused = client.post("/sign-in/passkey", json.dumps(forged), content_type="application/json")
        assert refused.status_code == 401
    assert client.get("/api/v1/accounts/me").status_code == 401
