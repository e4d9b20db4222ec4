"""Email verification links: a signed, expiring token naming the member AND the address.

`django.core.signing` under its own salt and the instance's SECRET_KEY; no table. Because the address is in
the token, a link mailed to an old address proves nothing once the member has changed it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import signing

_SALT = "hongshu.accounts.email-verification"
VERIFY_MAX_AGE = timedelta(days=3)
_MAX_TOKEN_LENGTH = 512


def verification_token_make(*, user_id: int, email: str) -> str:
    return signing.dumps({"u": user_id, "e": email.lower()}, salt=_SALT)


def verification_token_read(token: str, *, max_age: timedelta = VERIFY_MAX_AGE) -> tuple[int, str] | None:
    """(member ID, address) of a valid token; "expired" raises `signing.SignatureExpired`; None if invalid."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    try:
        data: Any = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, email = data.get("u"), data.get("e")
    if not isinstance(user_id, int) or not isinstance(email, str) or not email:
        return None
    return user_id, email
