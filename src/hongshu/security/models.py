"""Second factors and the index of a member's web sessions."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.db import models
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.core.models import SnowflakeModel


class TotpDevice(SnowflakeModel):
    """A member's authenticator app. Unconfirmed (`confirmed_at` null) until a first code proves the
    enrolment; `last_step` is the last accepted 30-second time step, so a code is accepted only once."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)


class RecoveryCode(SnowflakeModel):
    """A single-use code for when the authenticator is lost. Only its SHA-256 digest is stored: the code
    is 100 random bits, so a fast digest is as safe as a slow hash here."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "digest"])]

    @staticmethod
    def digest_of(code: str) -> str:
        return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


class Passkey(SnowflakeModel):
    """A WebAuthn credential registered by the member (py_webauthn verified the attestation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    name = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)


class MemberSession(SnowflakeModel):
    """One signed-in web session of a member, so they can list and revoke them. Only a digest of the
    session key is kept; `hongshu.security.middleware.SessionIndexMiddleware` maintains the rows."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="web_sessions")
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    @staticmethod
    def digest_of(session_key: str) -> str:
        return hashlib.sha256(session_key.encode()).hexdigest()
