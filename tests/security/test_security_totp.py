"""TOTP enrolment, codes accepted once, recovery codes spent once, turning it off."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pyotp
import pytest

from hongshu.accounts.models import User
from hongshu.core.errors import Conflict, NotAuthenticated, NotFound
from hongshu.security import totp
from hongshu.security.models import RecoveryCode, TotpDevice

PASSWORD = "correct horse battery"


def _code(device: TotpDevice, *, offset_steps: int = 0) -> str:
    return pyotp.TOTP(device.secret).at(int(time.time()) + 30 * offset_steps)


def enrol(user: User) -> tuple[TotpDevice, list[str]]:
    device = totp.totp_begin(user=user)
    codes = totp.totp_confirm(user=user, code=_code(device))
    device.refresh_from_db()
    return device, codes


def test_enrol_confirms_with_a_first_code_and_hands_out_ten_hashed_recovery_codes(
    make_member: Callable[..., User],
) -> None:
    alice = make_member("alice")
    device = totp.totp_begin(user=alice)
    assert device.confirmed_at is None
    assert not totp.has_second_factor(user=alice)
    uri = totp.totp_uri(device=device, user=alice)
    assert uri.startswith("otpauth://totp/Hongshu:alice?secret=" + device.secret)
    with pytest.raises(NotAuthenticated) as wrong:
        totp.totp_confirm(user=alice, code="000000" if _code(device) != "000000" else "111111")
    assert wrong.value.code == "invalid_second_factor"
    codes = totp.totp_confirm(user=alice, code=_code(device))
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert totp.has_second_factor(user=alice)
    stored = set(RecoveryCode.objects.filter(user=alice).values_list("digest", flat=True))
    assert stored == {RecoveryCode.digest_of(code) for code in codes}
    assert not any(code in stored for code in codes)  # only digests
    with pytest.raises(Conflict):
        totp.totp_begin(user=alice)


def test_confirm_without_enrolment_is_404(make_member: Callable[..., User]) -> None:
    with pytest.raises(NotFound):
        totp.totp_confirm(user=make_member("alice"), code="123456")


def test_a_code_is_accepted_once_in_its_window(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    device, _codes = enrol(alice)
    # the confirming code's step is used; the same code is refused now
    with pytest.raises(NotAuthenticated):
        totp.second_factor_verify(user=alice, code=_code(device))
    # the next step's code (clock drift allowance) is accepted once, then refused
    later = _code(device, offset_steps=1)
    assert totp.second_factor_verify(user=alice, code=later) == "totp"
    with pytest.raises(NotAuthenticated):
        totp.second_factor_verify(user=alice, code=later)
    # and a code from an earlier step than the last accepted one is refused too
    with pytest.raises(NotAuthenticated):
        totp.second_factor_verify(user=alice, code=_code(device, offset_steps=-1))


def test_recovery_codes_are_single_use_and_regenerating_replaces_them(
    make_member: Callable[..., User],
) -> None:
    alice = make_member("alice")
    _device, codes = enrol(alice)
    assert totp.second_factor_verify(user=alice, code=codes[0].upper()) == "recovery"
    with pytest.raises(NotAuthenticated):
        totp.second_factor_verify(user=alice, code=codes[0])
    assert totp.recovery_codes_left(user=alice) == 9
    fresh = totp.recovery_codes_regenerate(user=alice)
    assert totp.recovery_codes_left(user=alice) == 10
    with pytest.raises(NotAuthenticated):
        totp.second_factor_verify(user=alice, code=codes[1])  # the old ones are gone
    assert totp.second_factor_verify(user=alice, code=fresh[1]) == "recovery"


def test_another_members_recovery_code_does_not_work(make_member: Callable[..., User]) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    _d, alice_codes = enrol(alice)
    enrol(bob)
    with pytest.raises(NotAuthenticated):
        totp.second_factor_verify(user=bob, code=alice_codes[0])


def test_disable_needs_the_password_or_a_code(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    _device, codes = enrol(alice)
    with pytest.raises(NotAuthenticated):
        totp.totp_disable(user=alice, password="wrong")
    with pytest.raises(NotAuthenticated):
        totp.totp_disable(user=alice, code="12345")
    assert totp.has_second_factor(user=alice)
    totp.totp_disable(user=alice, code=codes[3])
    assert not totp.has_second_factor(user=alice)
    assert not RecoveryCode.objects.filter(user=alice).exists()
    enrol(alice)
    totp.totp_disable(user=alice, password=PASSWORD)
    assert not TotpDevice.objects.filter(user=alice).exists()


def test_api_two_factor_setup_confirm_status_and_disable(member_api: Any, problem: Any) -> None:
    _alice, api = member_api("alice")
    assert api.get("/accounts/me/two-factor").json() == {
        "totp": False,
        "recovery_codes_left": 0,
        "passkeys": 0,
        "required": False,
    }
    setup = api.post("/accounts/me/two-factor/totp")
    assert setup.status_code == 201
    secret = setup.json()["secret"]
    assert setup.json()["uri"].startswith("otpauth://totp/")
    problem(
        api.post("/accounts/me/two-factor/totp/confirm", json={"code": "abc"}), 401, "invalid_second_factor"
    )
    confirmed = api.post("/accounts/me/two-factor/totp/confirm", json={"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 200
    assert len(confirmed.json()["recovery_codes"]) == 10
    status = api.get("/accounts/me/two-factor").json()
    assert status["totp"] is True
    assert status["required"] is True
    assert status["recovery_codes_left"] == 10
    problem(api.post("/accounts/me/two-factor/totp"), 409, "totp_already_enabled")
    regenerated = api.post("/accounts/me/two-factor/recovery-codes").json()["recovery_codes"]
    assert set(regenerated).isdisjoint(confirmed.json()["recovery_codes"])
    problem(
        api.post("/accounts/me/two-factor/totp/disable", json={"password": "nope"}),
        401,
        "invalid_credentials",
    )
    assert api.post("/accounts/me/two-factor/totp/disable", json={"password": PASSWORD}).status_code == 204
    assert api.get("/accounts/me/two-factor").json()["totp"] is False


def test_two_factor_api_signed_out_is_401(api: Any, problem: Any) -> None:
    problem(api.get("/accounts/me/two-factor"), 401, "not_authenticated")
    problem(api.post("/accounts/me/two-factor/totp"), 401, "not_authenticated")
