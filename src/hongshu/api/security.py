"""The member's sessions and second factors over the API (the web page is hongshu.web.views.security)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth, request_token
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.core.schemas import PathId
from hongshu.security import passkeys, sessions, totp
from hongshu.security.models import MemberSession

router = Router(tags=["security"])


class SessionOut(Schema):
    id: str
    created_at: datetime
    last_seen_at: datetime = Field(description="to within about a minute")
    user_agent: str
    ip: str | None
    current: bool = Field(description="the session this request is authenticated by")

    @classmethod
    def of(cls, row: MemberSession, *, current: str) -> SessionOut:
        return cls(
            id=str(row.pk),
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            user_agent=row.user_agent,
            ip=row.ip,
            current=bool(current) and row.key_digest == current,
        )


class PasskeyOut(Schema):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None


class SignedOutOut(Schema):
    sessions: int = Field(description="web sessions signed out")
    tokens: int = Field(description="API tokens revoked")


class TwoFactorOut(Schema):
    totp: bool = Field(description="an authenticator app is set up")
    recovery_codes_left: int
    passkeys: int
    required: bool = Field(description="signing in asks for a second factor")


class TotpSetupOut(Schema):
    secret: str = Field(description="base32, for typing into the app")
    uri: str = Field(description="otpauth:// URI (what the QR code holds)")


class CodeIn(Schema):
    code: str = Field(max_length=64)


class RecoveryCodesOut(Schema):
    recovery_codes: list[str] = Field(description="shown only this once")


class DisableIn(Schema):
    password: str = Field(default="", max_length=256)
    code: str = Field(default="", max_length=64)


def _current_digest(request: HttpRequest) -> str:
    if request_token(request) is not None:
        return ""
    return sessions.digest_of_key(request.session.session_key)


@router.get("/accounts/me/sessions", response=list[SessionOut], auth=member_auth, summary="Your web sessions")
def list_sessions(request: HttpRequest) -> list[SessionOut]:
    current = _current_digest(request)
    return [SessionOut.of(row, current=current) for row in sessions.sessions_of(user=current_member(request))]


@router.delete(
    "/accounts/me/sessions/{session_id}", response={204: None}, auth=member_auth, summary="Sign a session out"
)
def revoke_session(request: HttpRequest, session_id: PathId) -> Status[None]:
    sessions.session_revoke(user=current_member(request), session_id=session_id)
    return Status(204, None)


@router.post(
    "/accounts/me/sign-out-everywhere",
    response=SignedOutOut,
    auth=member_auth,
    summary="Sign out every other session and revoke every other token",
)
def sign_out_everywhere(request: HttpRequest) -> SignedOutOut:
    token = request_token(request)
    signed_out, revoked = sessions.sign_out_everywhere(
        user=current_member(request),
        keep_session_key=None if token else request.session.session_key,
        keep_token_id=token.pk if token else None,
    )
    return SignedOutOut(sessions=signed_out, tokens=revoked)


@router.get("/accounts/me/two-factor", response=TwoFactorOut, auth=member_auth, summary="Your second factors")
def two_factor(request: HttpRequest) -> TwoFactorOut:
    member = current_member(request)
    has_totp = totp.totp_confirmed(user=member) is not None
    count = len(passkeys.passkeys_of(user=member))
    return TwoFactorOut(
        totp=has_totp,
        recovery_codes_left=totp.recovery_codes_left(user=member),
        passkeys=count,
        required=has_totp or count > 0,
    )


@router.post(
    "/accounts/me/two-factor/totp",
    response={201: TotpSetupOut},
    auth=member_auth,
    summary="Start setting up an authenticator app (confirm with a first code)",
)
def totp_setup(request: HttpRequest) -> Status[TotpSetupOut]:
    member = current_member(request)
    device = totp.totp_begin(user=member)
    return Status(201, TotpSetupOut(secret=device.secret, uri=totp.totp_uri(device=device, user=member)))


@router.post(
    "/accounts/me/two-factor/totp/confirm",
    response=RecoveryCodesOut,
    auth=member_auth,
    summary="Turn the authenticator app on with a first code; returns ten recovery codes",
)
def totp_confirm(request: HttpRequest, payload: CodeIn) -> RecoveryCodesOut:
    member = current_member(request)
    rate_limit_hit("second_factor", member=member, ip=client_ip(request))
    return RecoveryCodesOut(recovery_codes=totp.totp_confirm(user=member, code=payload.code))


@router.post(
    "/accounts/me/two-factor/recovery-codes",
    response=RecoveryCodesOut,
    auth=member_auth,
    summary="Replace your recovery codes",
)
def recovery_codes(request: HttpRequest) -> RecoveryCodesOut:
    member = current_member(request)
    return RecoveryCodesOut(recovery_codes=totp.recovery_codes_regenerate(user=member))


@router.post(
    "/accounts/me/two-factor/totp/disable",
    response={204: None},
    auth=member_auth,
    summary="Turn the authenticator app off (with your password or a code)",
)
def totp_disable(request: HttpRequest, payload: DisableIn) -> Status[None]:
    member = current_member(request)
    rate_limit_hit("second_factor", member=member, ip=client_ip(request))
    totp.totp_disable(user=member, password=payload.password, code=payload.code)
    return Status(204, None)


@router.get("/accounts/me/passkeys", response=list[PasskeyOut], auth=member_auth, summary="Your passkeys")
def list_passkeys(request: HttpRequest) -> list[PasskeyOut]:
    return [
        PasskeyOut(id=str(p.pk), name=p.name, created_at=p.created_at, last_used_at=p.last_used_at)
        for p in passkeys.passkeys_of(user=current_member(request))
    ]


@router.delete(
    "/accounts/me/passkeys/{passkey_id}", response={204: None}, auth=member_auth, summary="Delete a passkey"
)
def delete_passkey(request: HttpRequest, passkey_id: PathId) -> Status[None]:
    passkeys.passkey_delete(user=current_member(request), passkey_id=passkey_id)
    return Status(204, None)
