"""Known devices: a signed token a successful sign-in hands out, so the owner is not locked out by guessers.

Sign-in failures back off per (handle, IP) and per IP (`sign_in_failure`, hongshu.core.ratelimit). An
attacker guessing at @alice from Alice's café locks those scopes, and Alice with them. So every successful
sign-in (and sign-up) hands the client a *device token*: `django.core.signing.dumps` of the account's ID and
a random device ID, with a timestamp, under its own salt and the instance's SECRET_KEY (no cryptography of
our own). The web keeps it in the `hongshu_device` cookie (HttpOnly, SameSite=Lax, Secure in production);
an API client gets it as `device_token` in the sign-in answer and sends it back in the `Hongshu-Device`
header of its next sign-in.

A sign-in for account X that presents a valid, unexpired device token of X skips the `sign_in` and
`sign_in_failure` scopes of the address and handle; its wrong passwords count against the `device` scope
instead (`sign_in_failure.device`), so a stolen token cannot guess without limit either. A token of another
account, a forged or expired one, or none at all changes nothing. The token grants no access by itself: the
password is still needed. Signing in again with it renews it, keeping the device ID.

The token also carries a short HMAC of the account's password hash (`k`), so a password change or reset
forgets every device at once, as it signs out every session and API token.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from hongshu.accounts.models import User
from hongshu.core.ratelimit import rate_limit_check, rate_limit_count, rate_limit_hit

DEVICE_COOKIE = "hongshu_device"
DEVICE_HEADER = "Hongshu-Device"
DEVICE_MAX_AGE = timedelta(days=365)
_SALT = "hongshu.accounts.devices"
_MAX_TOKEN_LENGTH = 512


def _password_key(password_hash: str) -> str:
    return salted_hmac(_SALT, password_hash).hexdigest()[:16]


def device_token_issue(*, user: User, device_id: str | None = None) -> str:
    """A device token naming `user`, for a new device or (with `device_id`) renewing a known one."""
    data = {"u": user.pk, "d": device_id or secrets.token_urlsafe(16), "k": _password_key(user.password)}
    return signing.dumps(data, salt=_SALT)


def device_for_sign_in(*, token: str | None, handle: str) -> str | None:
    """The device ID in `token` if it is a valid, unexpired device token of the active account `handle`
    names (as typed at sign-in: `@` and case do not matter); otherwise None."""
    if not token or len(token) > _MAX_TOKEN_LENGTH or "\x00" in handle:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:  # forged, altered, signed with another key or expired
        return None
    if not isinstance(data, dict):
        return None
    user_id, device_id = data.get("u"), data.get("d")
    if not isinstance(user_id, int) or not isinstance(device_id, str) or not device_id:
        return None
    named = User.objects.filter(pk=user_id, handle__iexact=handle.strip().lstrip("@"), is_active=True)
    password_hash = named.values_list("password", flat=True).first()
    key = data.get("k")
    if password_hash is None or not isinstance(key, str):
        return None
    # A password changed (or reset) since the token was issued: the device is forgotten.
    return device_id if constant_time_compare(key, _password_key(password_hash)) else None


def sign_in_allow(*, ip: str | None, handle: str, device: str | None) -> None:
    """Count a sign-in attempt and refuse it (`RateLimitExceeded`) before the password is tried if guessing
    has used up its budget: the address's and handle's, or only the device's for a known device."""
    if device:
        rate_limit_hit("sign_in", device=device)
        rate_limit_check("sign_in_failure", device=device)
    else:
        rate_limit_hit("sign_in", ip=ip, account=handle)
        rate_limit_check("sign_in_failure", ip=ip, account=handle)


def sign_in_failed(*, ip: str | None, handle: str, device: str | None) -> None:
    """Count a wrong password against the scopes `sign_in_allow` checked."""
    if device:
        rate_limit_count("sign_in_failure", device=device)
    else:
        rate_limit_count("sign_in_failure", ip=ip, account=handle)
