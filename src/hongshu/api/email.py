"""Email endpoints: the member's address and its verification, password reset by email."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from hongshu.accounts import emails
from hongshu.accounts.auth import current_member, member_auth
from hongshu.accounts.models import User
from hongshu.core.ratelimit import client_ip, rate_limit_hit

router = Router(tags=["email"])


class EmailOut(Schema):
    email: str = Field(description='"" when the member has none')
    verified: bool
    verified_at: datetime | None

    @classmethod
    def of(cls, user: User) -> EmailOut:
        return cls(
            email=user.email, verified=user.email_verified_at is not None, verified_at=user.email_verified_at
        )


class EmailChangeIn(Schema):
    email: str = Field(max_length=320)
    password: str = Field(max_length=256)


class TokenIn(Schema):
    token: str = Field(max_length=512)


class ResetIn(Schema):
    login: str = Field(max_length=320, description="a handle (with or without @) or an email address")


class ResetConfirmIn(Schema):
    uid: str = Field(max_length=64)
    token: str = Field(max_length=100)
    new_password: str = Field(max_length=256)


class AcceptedOut(Schema):
    detail: str


@router.get("/accounts/me/email", response=EmailOut, auth=member_auth, summary="Your email address")
def my_email(request: HttpRequest) -> EmailOut:
    return EmailOut.of(current_member(request))


@router.post(
    "/accounts/me/email",
    response=EmailOut,
    auth=member_auth,
    summary="Add or change your email address (it is then unverified; a link is mailed to it)",
)
def change_email(request: HttpRequest, payload: EmailChangeIn) -> EmailOut:
    user = emails.email_change(user=current_member(request), email=payload.email, password=payload.password)
    return EmailOut.of(user)


@router.post(
    "/accounts/me/email/verify",
    response=EmailOut,
    auth=member_auth,
    summary="Verify your address with its link",
)
def verify_email(request: HttpRequest, payload: TokenIn) -> EmailOut:
    return EmailOut.of(emails.email_verify(token=payload.token, user=current_member(request)))


@router.post(
    "/accounts/me/email/resend",
    response={202: AcceptedOut},
    auth=member_auth,
    summary="Mail the verification link again (rate limited)",
)
def resend_verification(request: HttpRequest) -> Status[AcceptedOut]:
    member = current_member(request)
    rate_limit_hit("email_verification", member=member, ip=client_ip(request))
    emails.email_verification_resend(user=member)
    return Status(202, AcceptedOut(detail=_("A new link is on its way.")))


@router.post(
    "/password-reset",
    response={202: AcceptedOut},
    summary="Ask for a password-reset link (the same answer whether or not the login matched)",
)
def password_reset(request: HttpRequest, payload: ResetIn) -> Status[AcceptedOut]:
    rate_limit_hit("password_reset", ip=client_ip(request), account=payload.login)
    emails.password_reset_request(login=payload.login)
    return Status(202, AcceptedOut(detail=str(emails.PASSWORD_RESET_SENT)))


@router.post(
    "/password-reset/confirm",
    response={204: None},
    summary="Set a new password with a reset link (signs out every session and token)",
)
def password_reset_confirm(request: HttpRequest, payload: ResetConfirmIn) -> Status[None]:
    emails.password_reset_confirm(uid=payload.uid, token=payload.token, new_password=payload.new_password)
    return Status(204, None)
