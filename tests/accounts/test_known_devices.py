"""Known devices (hongshu.accounts.devices): an attacker who uses up the sign-in failure budget of the owner's
handle from the owner's own address does not lock out the owner signing in from a known device — the web
with its device cookie, the API with the `Hongshu-Device` header; without it, or with a forged token or
another account's, the owner is refused like anyone else; a device's own wrong passwords still back off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from hongshu.accounts.devices import DEVICE_COOKIE, DEVICE_HEADER, device_token_issue
from hongshu.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the conftest's make_member password
CAFE = "10.7.7.7"  # the owner's address, shared with the attacker

RateLimits = Callable[..., None]
RIGHT = {"handle": "owner", "password": PASSWORD}


@pytest.fixture
def owner(make_member: Callable[..., User], rate_limits: RateLimits) -> User:
    rate_limits(
        **{
            "sign_in_failure.account_ip": "3 per 1 minute",
            "sign_in_failure.ip": "5 per 1 minute",
            "sign_in_failure.device": "2 per 1 minute",
        }
    )
    return make_member("owner")


def _attack(api: Any, *, handle: str = "owner", times: int = 3) -> None:
    """Wrong passwords for `handle` from the café until its failure budget is gone."""
    for _ in range(times):
        wrong = api.post("/tokens", json={"handle": handle, "password": "guess"}, REMOTE_ADDR=CAFE)
        assert wrong.status_code == 401
    refused = api.post("/tokens", json={"handle": handle, "password": "guess"}, REMOTE_ADDR=CAFE)
    assert refused.status_code == 429


def _api_device_token(api: Any) -> str:
    response = api.post("/tokens", json=RIGHT, REMOTE_ADDR=CAFE)
    assert response.status_code == 201
    token: str = response.json()["device_token"]
    assert token
    return token


def _sign_in_api(api: Any, device: str | None) -> Any:
    headers = {DEVICE_HEADER: device} if device else {}
    return api.post("/tokens", json=RIGHT, REMOTE_ADDR=CAFE, headers=headers)


# ---- API: the Hongshu-Device header --------------------------------------------------------------------


def test_api_owner_with_device_header_signs_in_through_an_attack(api: Any, owner: User) -> None:
    device = _api_device_token(api)
    _attack(api)
    without = _sign_in_api(api, None)
    assert without.status_code == 429
    assert without.json()["limit"] == "sign_in_failure"
    with_device = _sign_in_api(api, device)
    assert with_device.status_code == 201, with_device.content
    assert with_device.json()["account"]["handle"] == "owner"
    renewed = with_device.json()["device_token"]  # renewed, for the same device
    assert (
        signing.loads(renewed, salt="hongshu.accounts.devices")["d"]
        == (signing.loads(device, salt="hongshu.accounts.devices")["d"])
    )
    assert _sign_in_api(api, renewed).status_code == 201


def test_api_device_passes_an_attack_across_accounts_from_the_same_address(api: Any, owner: User) -> None:
    device = _api_device_token(api)
    for i in range(5):  # one guess at each of five accounts uses up the address's budget of 5
        guess = api.post("/tokens", json={"handle": f"aaa{i}", "password": "y"}, REMOTE_ADDR=CAFE)
        assert guess.status_code == 401
    refused = _sign_in_api(api, None)
    assert refused.status_code == 429
    assert refused.json()["scope"] == "ip"
    assert _sign_in_api(api, device).status_code == 201


def test_a_device_still_backs_off_its_own_wrong_passwords(api: Any, owner: User) -> None:
    """A stolen device token cannot guess without limit: its failures count against the device."""
    device = _api_device_token(api)
    for _ in range(2):
        wrong = api.post(
            "/tokens",
            json={"handle": "owner", "password": "guess"},
            REMOTE_ADDR="10.9.9.9",
            headers={DEVICE_HEADER: device},
        )
        assert wrong.status_code == 401
    refused = api.post("/tokens", json=RIGHT, REMOTE_ADDR="10.9.9.9", headers={DEVICE_HEADER: device})
    assert refused.status_code == 429
    assert refused.json()["scope"] == "device"
    assert "Retry-After" in refused
    # Those failures were the device's, not the address's: without the token the address still has room.
    assert api.post("/tokens", json=RIGHT, REMOTE_ADDR="10.9.9.9").status_code == 201


def test_another_accounts_device_token_gives_no_pass(
    api: Any, owner: User, make_member: Callable[..., User]
) -> None:
    bob = make_member("bob")
    bobs = api.post("/tokens", json={"handle": "bob", "password": PASSWORD}, REMOTE_ADDR=CAFE)
    assert bobs.status_code == 201
    _attack(api)
    assert _sign_in_api(api, bobs.json()["device_token"]).status_code == 429
    assert _sign_in_api(api, device_token_issue(user=bob)).status_code == 429


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # a changed signature
        lambda token: signing.dumps(signing.loads(token, salt="hongshu.accounts.devices"), salt="other"),
        lambda token: signing.dumps(
            signing.loads(token, salt="hongshu.accounts.devices"),
            key="not the instance key",
            salt="hongshu.accounts.devices",
        ),
        lambda token: "garbage",
        lambda token: "x" * 600,
    ],
    ids=["altered", "other-salt", "other-key", "garbage", "too-long"],
)
def test_a_forged_device_token_gives_no_pass(api: Any, owner: User, forge: Callable[[str], str]) -> None:
    device = _api_device_token(api)
    _attack(api)
    assert _sign_in_api(api, forge(device)).status_code == 429


def test_a_device_token_of_a_deactivated_account_gives_no_pass(api: Any, owner: User) -> None:
    device = _api_device_token(api)
    _attack(api)
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert _sign_in_api(api, device).status_code == 429


def test_sign_up_hands_out_a_device_token(api: Any) -> None:
    response = api.post("/accounts", json={"handle": "newcomer", "password": PASSWORD})
    assert response.status_code == 201
    token = response.json()["device_token"]
    user = User.objects.get(handle="newcomer")
    assert signing.loads(token, salt="hongshu.accounts.devices")["u"] == user.pk


# ---- Web: the device cookie ----------------------------------------------------------------------------


def _web_sign_in(client: Client, password: str = PASSWORD) -> Any:
    return client.post("/signin/", {"handle": "owner", "password": password}, REMOTE_ADDR=CAFE)


def test_web_owner_with_device_cookie_signs_in_through_an_attack(api: Any, owner: User) -> None:
    phone = Client()
    first = _web_sign_in(phone)
    assert first.status_code == 302
    cookie = first.cookies[DEVICE_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # not production
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    phone.post("/signout/")

    attacker = Client()
    for _ in range(3):
        assert _web_sign_in(attacker, "guess").status_code == 200
    assert _web_sign_in(attacker, PASSWORD).status_code == 429
    assert _web_sign_in(Client()).status_code == 429  # the owner on a new device is held back too

    again = _web_sign_in(phone)
    assert again.status_code == 302
    assert phone.get("/api/v1/accounts/me").status_code == 200  # signed in


def test_web_device_cookie_of_another_account_or_forged_gives_no_pass(
    api: Any, owner: User, make_member: Callable[..., User]
) -> None:
    bob = make_member("bob")
    _attack(api)
    for token in (device_token_issue(user=bob), device_token_issue(user=owner) + "x"):
        client = Client()
        client.cookies[DEVICE_COOKIE] = token
        assert _web_sign_in(client).status_code == 429


def test_web_device_cookie_is_secure_in_production(owner: User, settings: Any) -> None:
    settings.SESSION_COOKIE_SECURE = True
    response = _web_sign_in(Client())
    assert response.status_code == 302
    assert response.cookies[DEVICE_COOKIE]["secure"]


def test_web_device_cookie_works_with_the_api_header_too(api: Any, owner: User) -> None:
    """One token format: the cookie a browser got is also a valid Hongshu-Device header."""
    response = _web_sign_in(Client())
    _attack(api)
    assert _sign_in_api(api, response.cookies[DEVICE_COOKIE].value).status_code == 201
