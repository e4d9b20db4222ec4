"""TOTP (RFC 6238, through pyotp) and single-use recovery codes.

Enrolment: `totp_begin` stores a fresh secret, unconfirmed; `totp_confirm` checks a first code from the app,
confirms the device and hands out ten recovery codes (only their digests are kept). A code is accepted once:
`last_step` records the last accepted time step, and only later steps are tried, so a code seen over a
shoulder cannot be replayed within its window.
"""

from __future__ import annotations

import hmac
import secrets
import time

import pyotp
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import Conflict, NotAuthenticated, NotFound
from hongshu.core.ratelimit import rate_limit_hit
from hongshu.security.models import Passkey, RecoveryCode, TotpDevice

ISSUER = "Hongshu"
RECOVERY_CODES = 10
STEP = 30  # seconds, as every authenticator app assumes
DRIFT = 1  # steps accepted either side of now: a clock a little off, or a code typed as it changed


def _invalid() -> NotAuthenticated:
    return NotAuthenticated(_("That code is not correct."), code="invalid_second_factor")


def totp_confirmed(*, user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def has_second_factor(*, user: User) -> bool:
    """Whether signing in as `user` needs a second factor: a confirmed authenticator or a passkey."""
    return (
        TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
        or Passkey.objects.filter(user=user).exists()
    )


def totp_begin(*, user: User) -> TotpDevice:
    """Start (or restart) enrolment with a new secret; refused while a confirmed authenticator exists."""
    if totp_confirmed(user=user):
        raise Conflict(_("An authenticator app is already set up."), code="totp_already_enabled")
    device, _created = TotpDevice.objects.update_or_create(
        user=user, defaults={"secret": pyotp.random_base32(), "confirmed_at": None, "last_step": 0}
    )
    return device


def totp_pending(*, user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()


def totp_uri(*, device: TotpDevice, user: User) -> str:
    """The otpauth:// URI an authenticator app reads (from the QR code or pasted)."""
    return pyotp.TOTP(device.secret).provisioning_uri(name=user.handle, issuer_name=ISSUER)


def _accept(device: TotpDevice, code: str, *, at: float | None = None) -> bool:
    """Accept `code` for a time step after the last accepted one, and record that step (atomically: two
    requests racing with the same code cannot both win)."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(device.secret)
    now_step = int((time.time() if at is None else at) // STEP)
    for step in range(now_step - DRIFT, now_step + DRIFT + 1):
        if step <= device.last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP), code):
            won = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
            if won:
                device.last_step = step
            return bool(won)
    return False


def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the member's recovery codes with ten new ones, returned once (formatted xxxxx-xxxxx-xxxxx-x…)."""
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = secrets.token_hex(10)  # 80 bits
        codes.append("-".join(raw[i : i + 5] for i in range(0, len(raw), 5)))
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(user=user, digest=RecoveryCode.digest_of(code)) for code in codes]
        )
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for a member with a second factor, an authenticator app or a passkey (404
    `second_factor_not_enabled` otherwise). A member with passkeys only signs in to the API with one."""
    if not has_second_factor(user=user):
        raise NotFound(_("Set up an authenticator app or a passkey first."), code="second_factor_not_enabled")
    return recovery_codes_issue(user=user)


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def totp_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the pending enrolment with a first code; returns the new recovery codes."""
    device = totp_pending(user=user)
    if device is None:
        raise NotFound(_("Start setting up an authenticator app first."), code="totp_not_pending")
    if not _accept(device, code):
        raise _invalid()
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    return recovery_codes_issue(user=user)


def second_factor_verify(*, user: User, code: str) -> str:
    """Check a TOTP code or an unused recovery code (which is then spent). Returns "totp" or "recovery";
    raises `NotAuthenticated` (`invalid_second_factor`)."""
    code = (code or "").strip()
    device = totp_confirmed(user=user)
    if device is not None and _accept(device, code):
        return "totp"
    if len(code) >= 16:
        spent = RecoveryCode.objects.filter(
            user=user, digest=RecoveryCode.digest_of(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if spent:
            return "recovery"
    raise _invalid()


def totp_disable(*, user: User, password: str = "", code: str = "") -> None:
    """Remove the authenticator and the recovery codes; needs the password or a current code."""
    if not (password and user.check_password(password)):
        if not code:
            raise NotAuthenticated(_("The password is not correct."), code="invalid_credentials")
        second_factor_verify(user=user, code=code)
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


def second_factor_for_token(*, user: User, otp: str | None, ip: str | None) -> None:
    """The API's sign-in check, after the right password: nothing for a member without a second factor;
    else 401 `second_factor_required` without `otp`, or `invalid_second_factor` for a wrong one."""
    if not has_second_factor(user=user):
        return
    if not otp:
        raise NotAuthenticated(
            _("This account signs in with a second factor: send a code as `otp`."),
            code="second_factor_required",
        )
    rate_limit_hit("second_factor", member=user, ip=ip)
    second_factor_verify(user=user, code=otp)
