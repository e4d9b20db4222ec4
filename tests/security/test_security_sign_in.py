"""Signing in with a second factor: the web's /sign-in/verify step and the API's `otp`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.security import totp
from hongshu.security.models import TotpDevice

PASSWORD = "correct horse battery"


def enrol(user: User) -> tuple[TotpDevice, list[str]]:
    device = totp.totp_begin(user=user)
    codes = totp.totp_confirm(user=user, code=pyotp.TOTP(device.secret).now())
    return device, codes


def _next_code(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).at(int(time.time()) + 30)  # the step after the confirming one


def _signed_in_as(client: Client) -> str | None:
    response = client.get("/api/v1/accounts/me")
    return response.json()["handle"] if response.status_code == 200 else None


def test_web_sign_in_without_a_second_factor_is_unchanged(make_member: Callable[..., User]) -> None:
    make_member("alice")
    client = Client()
    response = client.post("/signin/", {"handle": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_as(client) == "alice"


def test_web_sign_in_with_totp_asks_for_the_code_then_signs_in(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    device, _codes = enrol(alice)
    client = Client()
    response = client.post("/signin/", {"handle": "alice", "password": PASSWORD, "next": "/me/security"})
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/verify"
    assert _signed_in_as(client) is None  # not yet
    page = client.get("/sign-in/verify")
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    wrong = client.post("/sign-in/verify", {"code": "12345x"})
    assert wrong.status_code == 200
    assert "not correct" in wrong.content.decode()
    assert _signed_in_as(client) is None
    right = client.post("/sign-in/verify", {"code": _next_code(device)})
    assert right.status_code == 302
    assert right["Location"] == "/me/security"
    assert _signed_in_as(client) == "alice"
    assert "hongshu_device" in right.cookies


def test_web_sign_in_with_a_recovery_code_spends_it(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    _device, codes = enrol(alice)
    for attempt in range(2):
        client = Client()
        client.post("/signin/", {"handle": "alice", "password": PASSWORD})
        response = client.post("/sign-in/verify", {"code": codes[0]})
        if attempt == 0:
            assert response.status_code == 302
            assert _signed_in_as(client) == "alice"
        else:  # the same code a second time
            assert response.status_code == 200
            assert _signed_in_as(client) is None


def test_the_pending_sign_in_expires_after_five_minutes(
    make_member: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = make_member("alice")
    device, _codes = enrol(alice)
    client = Client()
    client.post("/signin/", {"handle": "alice", "password": PASSWORD})
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 301)
    code = pyotp.TOTP(device.secret).at(int(real()) + 30)
    response = client.post("/sign-in/verify", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/signin/"
    assert _signed_in_as(client) is None


def test_verify_without_a_password_first_goes_back_to_sign_in(db: None) -> None:
    response = Client().get("/sign-in/verify")
    assert response.status_code == 302
    assert response["Location"] == "/signin/"


def test_second_factor_attempts_are_rate_limited(
    make_member: Callable[..., User], rate_limits: Callable[..., None]
) -> None:
    rate_limits(**{"second_factor.account": "3 per 15 minutes"})
    alice = make_member("alice")
    device, _codes = enrol(alice)
    client = Client()
    client.post("/signin/", {"handle": "alice", "password": PASSWORD})
    for _ in range(3):
        assert client.post("/sign-in/verify", {"code": "000000x"}).status_code == 200
    refused = client.post("/sign-in/verify", {"code": _next_code(device)})
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert _signed_in_as(client) is None


def test_api_sign_in_needs_the_otp(api: Any, make_member: Callable[..., User], problem: Any) -> None:
    alice = make_member("alice")
    credentials = {"handle": "alice", "password": PASSWORD}
    assert api.post("/tokens", json=credentials).status_code == 201  # no second factor yet
    device, codes = enrol(alice)
    problem(api.post("/tokens", json=credentials), 401, "second_factor_required")
    problem(api.post("/tokens", json={**credentials, "otp": "000000x"}), 401, "invalid_second_factor")
    problem(
        api.post("/tokens", json={"handle": "alice", "password": "wrong", "otp": _next_code(device)}),
        401,
        "invalid_credentials",
    )
    signed_in = api.post("/tokens", json={**credentials, "otp": _next_code(device)})
    assert signed_in.status_code == 201
    problem(
        api.post("/tokens", json={**credentials, "otp": _next_code(device)}), 401, "invalid_second_factor"
    )  # replay
    assert api.post("/tokens", json={**credentials, "otp": codes[5]}).status_code == 201
    problem(api.post("/tokens", json={**credentials, "otp": codes[5]}), 401, "invalid_second_factor")
    token = signed_in.json()["token"]
    me = api.get("/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["handle"] == "alice"
