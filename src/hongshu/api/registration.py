"""Registration: the mode in force, invites, and the staff's queue of applications."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth, moderator_auth
from hongshu.core.ratelimit import client_ip
from hongshu.core.schemas import PathId
from hongshu.registration import registration_mode_for, selectors, services
from hongshu.registration.models import Application, Invite

router = Router(tags=["registration"])


class RegistrationModeOut(Schema):
    mode: str = Field(description="open, approval, invite or closed")
    invite_required: bool
    approval_required: bool


class ApplicationOut(Schema):
    id: str
    handle: str
    reason: str
    reason_language: str
    language: str = Field(description="the interface language the applicant applied in")
    status: str = Field(description="pending, approved or rejected")
    note: str
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def of(cls, application: Application) -> ApplicationOut:
        return cls(
            id=str(application.pk),
            handle=application.user.handle,
            reason=application.reason,
            reason_language=application.reason_language,
            language=application.language,
            status=application.status,
            note=application.note,
            created_at=application.created_at,
            decided_at=application.decided_at,
        )


class DecisionIn(Schema):
    note: str = Field(default="", max_length=4000, description="shown to the applicant")


class QueueIn(Schema):
    limit: int = Field(default=50, ge=1, le=selectors.QUEUE_MAX)


class InviteIn(Schema):
    max_uses: int = Field(default=1, ge=1, le=services.INVITE_MAX_USES)
    expires_in_days: int = Field(default=7, ge=1, le=services.INVITE_MAX_DAYS)


class InviteOut(Schema):
    id: str
    code: str
    url: str = Field(description="the link to share: /join/<code>")
    max_uses: int
    uses: int
    remaining: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, invite: Invite, request: HttpRequest) -> InviteOut:
        return cls(
            id=str(invite.pk),
            code=invite.code,
            url=request.build_absolute_uri(f"/join/{invite.code}"),
            max_uses=invite.max_uses,
            uses=invite.uses,
            remaining=invite.remaining,
            created_at=invite.created_at,
            expires_at=invite.expires_at,
            revoked_at=invite.revoked_at,
        )


@router.get("/instance/registration", response=RegistrationModeOut, summary="Who may join now")
def registration_mode(request: HttpRequest) -> RegistrationModeOut:
    mode = registration_mode_for(ip=client_ip(request) or "")
    return RegistrationModeOut(
        mode=mode, invite_required=mode == "invite", approval_required=mode == "approval"
    )


@router.post("/invites", response={201: InviteOut}, auth=member_auth, summary="Make an invite link")
def invite_create(request: HttpRequest, payload: InviteIn) -> Status[InviteOut]:
    invite = services.invite_create(member=current_member(request), **payload.dict())
    return Status(201, InviteOut.of(invite, request))


@router.get("/invites", response=list[InviteOut], auth=member_auth, summary="Your invite links, newest first")
def invite_list(request: HttpRequest) -> list[InviteOut]:
    return [InviteOut.of(invite, request) for invite in selectors.invites_of(member=current_member(request))]


@router.delete("/invites/{invite_id}", response={204: None}, auth=member_auth, summary="Revoke an invite")
def invite_revoke(request: HttpRequest, invite_id: PathId) -> Status[None]:
    services.invite_revoke(member=current_member(request), invite_id=invite_id)
    return Status(204, None)


@router.get(
    "/staff/applications",
    response=list[ApplicationOut],
    auth=moderator_auth,
    summary="Pending applications, oldest first (staff)",
)
def applications(request: HttpRequest, page: Query[QueueIn]) -> list[ApplicationOut]:
    return [ApplicationOut.of(a) for a in selectors.applications_pending(limit=page.limit)]


@router.post(
    "/staff/applications/{application_id}/approve",
    response=ApplicationOut,
    auth=moderator_auth,
    summary="Approve an application: the account becomes active (staff)",
)
def application_approve(request: HttpRequest, application_id: PathId, payload: DecisionIn) -> ApplicationOut:
    return ApplicationOut.of(
        services.application_approve(
            application_id=application_id, actor=current_member(request), note=payload.note
        )
    )


@router.post(
    "/staff/applications/{application_id}/reject",
    response=ApplicationOut,
    auth=moderator_auth,
    summary="Reject an application: the account stays inactive (staff)",
)
def application_reject(request: HttpRequest, application_id: PathId, payload: DecisionIn) -> ApplicationOut:
    return ApplicationOut.of(
        services.application_reject(
            application_id=application_id, actor=current_member(request), note=payload.note
        )
    )
