"""Appeals (issue 25 items 6 and 10): a member appeals a decision about them; moderators decide. The services
and the design (who may decide, what an overturn reverses, how a barred member appeals) are documented in
`hongshu.moderation.appeals`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth, moderator_auth
from hongshu.api.moderation import StatementOut
from hongshu.core.schemas import PathId
from hongshu.moderation import appeals
from hongshu.moderation.models import Appeal

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
    def of_row(cls, row: appeals.AppealRow) -> StaffAppealOut:
        appeal = row.appeal
        content = row.content
        return cls(
            **AppealOut.of(appeal).model_dump(),
            member_id=str(appeal.member_id),
            member_handle=appeal.member.handle,
            language=appeal.language,
            decided_by=appeal.decided_by.handle if appeal.decided_by else None,
            action_staff=appeal.action.staff.handle if appeal.action.staff else None,
            statement=StatementOut.of(appeal.action),
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
    return [StaffAppealOut.of_row(row) for row in rows]


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
