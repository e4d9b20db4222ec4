"""Appeals (issue 25 items 6 and 10): a member appeals a decision about them; moderators decide. The services
and the design (who may decide, what an overturn reverses, how a barred member appeals) are documented in
`hongshu.moderation.appeals`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth, moderator_auth
from hongshu.accounts.devices import sign_in_allow, sign_in_failed
from hongshu.accounts.models import User
from hongshu.api.moderation import StatementOut
from hongshu.core.errors import NotAuthenticated
from hongshu.core.ratelimit import client_ip
from hongshu.core.schemas import PathId
from hongshu.moderation import appeals
from hongshu.moderation.models import Appeal
from hongshu.moderation.statements import Versions, rule_versions_of, statement_of

router = Router(tags=["moderation"])


class AppealIn(Schema):
    text: str = Field(
        min_length=1, max_length=appeals.TEXT_MAX, description="why the decision is wrong, in any language"
    )


class AppealOut(Schema):
    id: str
    action_id: str = Field(description="the decision appealed (its statement: GET /me/decisions)")
    text: str
    state: str = Field(description="open, upheld (the decision stands) or overturned (every effect reversed)")
    decision_note: str = Field(description="the moderator's note, once decided")
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def of(cls, appeal: Appeal) -> AppealOut:
        return cls(
            id=str(appeal.pk),
            action_id=str(appeal.action_id),
            text=appeal.text,
            state=appeal.state,
            decision_note=appeal.decision_note,
            created_at=appeal.created_at,
            decided_at=appeal.decided_at,
        )


class ContentOut(Schema):
    label: str = Field(description="a note's title or a member's handle")
    body: str
    path: str


class StaffAppealOut(AppealOut):
    member_id: str
    member_handle: str
    language: str = Field(description="the member's interface language when appealing")
    decided_by: str | None = Field(description="the handle of the moderator who decided the appeal")
    action_staff: str | None = Field(description="the handle of who took the decision (None: automatic)")
    statement: StatementOut = Field(description="the decision's statement of reasons, in your language")
    content: ContentOut | None = Field(description="what the decision was about (a removed note too)")

    @classmethod
    def of_row(cls, row: appeals.AppealRow, versions: Versions | None = None) -> StaffAppealOut:
        appeal = row.appeal
        content = row.content
        return cls(
            **AppealOut.of(appeal).model_dump(),
            member_id=str(appeal.member_id),
            member_handle=appeal.member.handle,
            language=appeal.language,
            decided_by=appeal.decided_by.handle if appeal.decided_by else None,
            action_staff=appeal.action.staff.handle if appeal.action.staff else None,
            statement=StatementOut(
                **asdict(statement_of(appeal.action, language=get_language() or "en", versions=versions))
            ),
            content=ContentOut(label=content.label, body=content.body, path=content.path)
            if content
            else None,
        )


class AppealsIn(Schema):
    state: Literal["open", "upheld", "overturned"] = "open"
    limit: int = Field(default=50, ge=1, le=appeals.QUEUE_MAX)


class AppealDecideIn(Schema):
    outcome: Literal["upheld", "overturned"]
    note: str = Field(default="", max_length=appeals.NOTE_MAX, description="what the member will read")


@router.post(
    "/me/decisions/{action_id}/appeal",
    response={201: AppealOut},
    auth=member_auth,
    summary="Appeal a decision about you, within the appeal window (one appeal per decision)",
)
def appeal_file(request: HttpRequest, action_id: PathId, payload: AppealIn) -> Status[AppealOut]:
    appeal = appeals.appeal_file(
        member=current_member(request),
        action_id=action_id,
        text=payload.text,
        language=get_language() or "en",
    )
    return Status(201, AppealOut.of(appeal))


@router.get("/me/appeals", response=list[AppealOut], auth=member_auth, summary="Your appeals, newest first")
def my_appeals(request: HttpRequest) -> list[AppealOut]:
    return [AppealOut.of(a) for a in appeals.appeals_of(member=current_member(request))]


@router.get(
    "/staff/appeals",
    response=list[StaffAppealOut],
    auth=moderator_auth,
    summary="Appeals: open ones oldest first, with the decision, its statement and the content (moderators)",
)
def staff_appeals(request: HttpRequest, filters: Query[AppealsIn]) -> list[StaffAppealOut]:
    rows = appeals.appeals_queue(staff=current_member(request), state=filters.state, limit=filters.limit)
    versions = rule_versions_of([row.appeal.action for row in rows])
    return [StaffAppealOut.of_row(row, versions) for row in rows]


@router.post(
    "/staff/appeals/{appeal_id}/decide",
    response=StaffAppealOut,
    auth=moderator_auth,
    summary="Uphold or overturn an appeal; not by who took the decision. An overturn reverses every effect "
    "(moderators)",
)
def staff_appeal_decide(request: HttpRequest, appeal_id: PathId, payload: AppealDecideIn) -> StaffAppealOut:
    staff = current_member(request)
    appeals.appeal_decide(staff=staff, appeal_id=appeal_id, outcome=payload.outcome, note=payload.note)
    return StaffAppealOut.of_row(appeals.appeal_row(staff=staff, appeal_id=appeal_id))


# A suspended or banned member cannot sign in or hold a token: they prove who they are with their handle and
# password in each request, rate-limited as sign-in (docs/appeals.md). POST, so the password is in no URL.


class BarredIn(Schema):
    handle: str = Field(max_length=64)
    password: str = Field(max_length=256)


class BarredAppealIn(BarredIn, AppealIn):
    pass


class BarredDecisionOut(Schema):
    statement: StatementOut
    appeal: AppealOut | None = Field(description="its appeal, if one was filed")
    appealable: bool = Field(description="whether it can be appealed now")
    appeal_deadline: datetime


def _barred(request: HttpRequest, payload: BarredIn) -> User:
    ip, handle = client_ip(request), payload.handle.strip().lstrip("@")
    sign_in_allow(ip=ip, handle=handle, device=None)
    member = appeals.barred_member_verify(handle=handle, password=payload.password)
    if member is None:
        sign_in_failed(ip=ip, handle=handle, device=None)
        raise NotAuthenticated(
            _("The handle or password is not correct, or this account is not suspended or banned."),
            code="invalid_credentials",
        )
    return member


@router.post(
    "/appeal/decisions",
    response=list[BarredDecisionOut],
    auth=None,
    summary="A suspended or banned member's decisions and appeals, by handle and password (no sign-in)",
)
def barred_decisions(request: HttpRequest, payload: BarredIn) -> list[BarredDecisionOut]:
    member = _barred(request, payload)
    decided = appeals.decisions_with_appeals(member=member)
    versions = rule_versions_of([d.action for d in decided])
    language = get_language() or "en"
    return [
        BarredDecisionOut(
            statement=StatementOut(**asdict(statement_of(d.action, language=language, versions=versions))),
            appeal=AppealOut.of(d.appeal) if d.appeal else None,
            appealable=d.appealable,
            appeal_deadline=d.deadline,
        )
        for d in decided
    ]


@router.post(
    "/appeal/decisions/{action_id}",
    response={201: AppealOut},
    auth=None,
    summary="Appeal a decision as a suspended or banned member, by handle and password (no sign-in)",
)
def barred_appeal_file(request: HttpRequest, action_id: PathId, payload: BarredAppealIn) -> Status[AppealOut]:
    member = _barred(request, payload)
    appeal = appeals.appeal_file(
        member=member, action_id=action_id, text=payload.text, language=get_language() or "en"
    )
    return Status(201, AppealOut.of(appeal))
