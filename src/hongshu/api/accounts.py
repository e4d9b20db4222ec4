from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictBool

from hongshu.accounts import services
from hongshu.accounts.auth import current_member, member_auth, request_token, request_user
from hongshu.accounts.devices import (
    DEVICE_HEADER,
    device_for_sign_in,
    device_token_issue,
    sign_in_allow,
    sign_in_failed,
)
from hongshu.accounts.emails import sign_in_notice
from hongshu.accounts.models import ApiToken, User
from hongshu.accounts.selectors import tokens_page
from hongshu.api.registration import ApplicationOut
from hongshu.api.schemas.media import MediaOut
from hongshu.api.schemas.pages import CursorPage
from hongshu.core.errors import NotAuthenticated
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.core.schemas import IdStr, PathId
from hongshu.members import services as members
from hongshu.members.surge import signup_recorded
from hongshu.moderation.actions import barred_sign_in_refusal
from hongshu.registration import registration_mode_for
from hongshu.registration import services as registration
from hongshu.security.totp import second_factor_for_token
from hongshu.social.selectors import access_account

router = Router(tags=["accounts"])

_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
# Operations that hash a password may find every hashing slot of the process taken (hongshu.accounts.hashers).
_HASHES: dict[str, Any] = {
    "responses": {
        "503": {
            "description": "Busy: no password-hashing slot freed in time (problem `busy`, Retry-After)",
            "content": _PROBLEM,
        }
    }
}


class AccountOut(Schema):
    id: str
    handle: str
    display_name: str
    chinese_name: str = Field(default="", description="chosen in the name studio; may be empty")
    bio: str
    bio_language: str | None
    avatar: MediaOut | None
    languages: list[str]
    region: str
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> AccountOut:
        return cls.model_construct(
            id=str(user.pk),
            handle=user.handle,
            display_name=user.display_name,
            chinese_name=user.chinese_name,
            bio=user.bio,
            bio_language=user.bio_language or None,
            avatar=MediaOut.of(user.avatar) if user.avatar else None,
            languages=list(user.languages),
            region=user.region,
            created_at=user.date_joined,
        )


class MeOut(AccountOut):
    """Your own account: what others see, and what is waiting for a moderator."""

    pending: dict[str, str] = Field(
        default_factory=dict,
        description="a display name or bio held by screening: shown to others once a moderator releases it",
    )

    @classmethod
    def of(cls, user: User) -> MeOut:
        return cls.model_construct(**dict(AccountOut.of(user)), pending=dict(user.pending_profile))


class SignUpIn(Schema):
    handle: str = Field(max_length=64)
    password: str = Field(max_length=256)
    display_name: str = Field(default="", max_length=1000)
    languages: list[str] = Field(default_factory=list, max_length=10)
    region: str = Field(default="", max_length=200)
    email: str = Field(
        default="", max_length=320, description="optional unless the instance requires one; mailed a link"
    )
    reason: str = Field(
        default="",
        max_length=20000,
        description="why you are joining (any language, at most 1000 characters): required in approval mode",
    )
    invite_code: str = Field(default="", max_length=64, description="required in invite mode")


class CredentialsIn(Schema):
    handle: str = Field(max_length=64)
    password: str = Field(max_length=256)
    name: str = Field(default="", max_length=64)
    expires_in_days: int | None = Field(
        default=None, ge=1, le=services.TOKEN_MAX_DAYS, description="the token expires after this many days"
    )
    expires_at: datetime | None = Field(
        default=None, description="or at this moment (UTC if no offset); neither: valid until revoked"
    )
    otp: str | None = Field(
        default=None,
        max_length=64,
        description="for an account with two-factor sign-in: a code from the authenticator app or a recovery "
        "code (without it such an account answers 401 `second_factor_required`)",
    )


class TokenOut(Schema):
    id: str
    token: str = Field(description="the secret, shown only this once")
    expires_at: datetime | None = None
    account: AccountOut
    device_token: str | None = Field(
        default=None,
        description="this device's token: keep it and send it in the Hongshu-Device header when signing in "
        "again, so others' wrong passwords from your address do not lock you out (docs/api.md)",
    )


class TokenInfoOut(Schema):
    """A token as its member sees it in the list: never the secret (only its digest is stored)."""

    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None = Field(description="to within about a minute")
    expires_at: datetime | None = Field(description="null: valid until revoked")
    current: bool = Field(description="the token this request is authenticated by")

    @classmethod
    def of(cls, token: ApiToken, *, current: ApiToken | None) -> TokenInfoOut:
        return cls(
            id=str(token.pk),
            name=token.name,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            expires_at=token.expires_at,
            current=current is not None and current.pk == token.pk,
        )


class TokenPageOut(CursorPage[TokenInfoOut]):
    pass


class TokenPageIn(Schema):
    cursor: str | None = Field(default=None, max_length=48)
    limit: int = Field(default=20, ge=1, le=50)


class ProfileIn(Schema):
    display_name: str | None = Field(default=None, max_length=1000)
    bio: str | None = Field(default=None, max_length=10000)
    languages: list[str] | None = Field(default=None, max_length=10)
    region: str | None = Field(default=None, max_length=200)
    avatar_id: IdStr | None = None
    chinese_name: str | None = Field(default=None, max_length=60, description='1-6 Han characters; "" clears')
    script: Literal["hans", "tw", "hk"] | None = Field(default=None, description="how Chinese text is shown")
    show_pinyin: StrictBool | None = None


class PasswordChangeIn(Schema):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class PasswordIn(Schema):
    password: str = Field(max_length=256)


@router.post(
    "/accounts",
    response={201: TokenOut, 202: ApplicationOut},
    summary="Sign up (returns a first token; in approval mode, 202 with the application to wait for)",
    openapi_extra=_HASHES,
)
def sign_up(request: HttpRequest, payload: SignUpIn) -> Status[TokenOut] | Status[ApplicationOut]:
    ip = client_ip(request)
    mode = registration_mode_for(ip=ip or "")
    rate_limit_hit("sign_up", ip=ip)
    result = registration.registration_sign_up(mode=mode, language=get_language() or "en", **payload.dict())
    signup_recorded(user_id=result.user.pk, ip=ip)
    if result.application is not None:
        return Status(202, ApplicationOut.of(result.application))
    user = result.user
    token, secret = services.token_issue(user=user, name="sign-up")
    out = TokenOut(
        id=str(token.pk),
        token=secret,
        account=AccountOut.of(user),
        device_token=device_token_issue(user=user),
    )
    return Status(201, out)


@router.post(
    "/tokens",
    response={201: TokenOut},
    summary="Sign in: exchange handle and password for a token",
    openapi_extra={
        **_HASHES,
        "parameters": [
            {
                "name": DEVICE_HEADER,
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 512},
                "description": "the `device_token` of an earlier sign-in to this account: this attempt is "
                "then limited per device, not per address, so others' failures do not lock you out",
            }
        ],
    },
)
def create_token(request: HttpRequest, payload: CredentialsIn) -> Status[TokenOut]:
    ip = client_ip(request)
    device = device_for_sign_in(token=request.headers.get(DEVICE_HEADER), handle=payload.handle)
    sign_in_allow(ip=ip, handle=payload.handle, device=device)
    fields = payload.dict(exclude={"otp"})
    try:
        token, secret = services.token_create(
            **fields, check=lambda user: second_factor_for_token(user=user, otp=payload.otp, ip=ip)
        )
    except NotAuthenticated as refused:
        if refused.code == "invalid_credentials":  # a second factor has its own limit (`second_factor`)
            # An applicant with the right password learns where their application stands; anyone else, nothing.
            refusal = registration.application_sign_in_refusal(
                handle=payload.handle, password=payload.password
            ) or barred_sign_in_refusal(handle=payload.handle, password=payload.password)
            if refusal is not None:
                raise refusal from None
            sign_in_failed(ip=ip, handle=payload.handle, device=device)
        raise
    if device is None:  # a device never seen signing in to this account: tell the member (email)
        sign_in_notice(user=token.user, ip=ip, user_agent=request.headers.get("User-Agent", ""))
    out = TokenOut(
        id=str(token.pk),
        token=secret,
        expires_at=token.expires_at,
        account=AccountOut.of(token.user),
        device_token=device_token_issue(user=token.user, device_id=device),
    )
    return Status(201, out)


@router.get("/tokens", response=TokenPageOut, auth=member_auth, summary="Your tokens (never their secrets)")
def list_tokens(request: HttpRequest, page: Query[TokenPageIn]) -> TokenPageOut:
    tokens = tokens_page(user=current_member(request), cursor=page.cursor, limit=page.limit)
    current = request_token(request)
    return TokenPageOut.of(tokens, lambda token: TokenInfoOut.of(token, current=current))


@router.delete("/tokens/{token_id}", response={204: None}, auth=member_auth, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: PathId) -> Status[None]:
    services.token_revoke(user=current_member(request), token_id=token_id)
    return Status(204, None)


@router.get("/accounts/me", response=MeOut, auth=member_auth)
def me(request: HttpRequest) -> MeOut:
    return MeOut.of(current_member(request))


@router.patch("/accounts/me", response=MeOut, auth=member_auth, summary="Edit your profile")
def update_me(request: HttpRequest, payload: ProfileIn) -> MeOut:
    rate_limit_hit("profile_edit", member=current_member(request), ip=client_ip(request))
    fields = payload.dict(exclude_unset=True)
    if fields.get("avatar_id") is not None:
        fields["avatar_id"] = int(fields["avatar_id"])
    chinese_name = fields.pop("chinese_name", None)
    script, show_pinyin = fields.pop("script", None), fields.pop("show_pinyin", None)
    with transaction.atomic():  # one PATCH, all fields or none
        user = members.profile_save(user=current_member(request), **fields)
        if chinese_name is not None:
            services.member_set_chinese_name(member=user, name=chinese_name)
        if script is not None or show_pinyin is not None:
            services.member_set_reading(
                member=user,
                script=script or user.script,
                show_pinyin=user.show_pinyin if show_pinyin is None else show_pinyin,
            )
    return MeOut.of(user)


@router.post(
    "/accounts/me/password",
    response={204: None},
    auth=member_auth,
    summary="Change your password (signs out every other session and token)",
    openapi_extra=_HASHES,
)
def change_password(request: HttpRequest, payload: PasswordChangeIn) -> Status[None]:
    member, token = current_member(request), request_token(request)
    services.account_change_password(
        user=member,
        current_password=payload.current_password,
        new_password=payload.new_password,
        keep_token_id=token.pk if token else None,
    )
    if token is None:  # asked with the session cookie: that session stays signed in
        update_session_auth_hash(request, member)
    return Status(204, None)


@router.post(
    "/accounts/me/delete",
    response={204: None},
    auth=member_auth,
    summary="Delete your account",
    openapi_extra=_HASHES,
)
def delete_me(request: HttpRequest, payload: PasswordIn) -> Status[None]:
    members.account_delete(user=current_member(request), password=payload.password)
    return Status(204, None)


@router.get("/accounts/{handle}", response=AccountOut)
def account(request: HttpRequest, handle: str) -> AccountOut:
    # A blocked pair gets 404, as if the account did not exist.
    return AccountOut.of(access_account(viewer=request_user(request), handle=handle))
