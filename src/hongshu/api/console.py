"""The moderator console's API (issue 25 items 9 and 10): a case's context (content, translation, the member's
history, strikes and earlier decisions), bulk mode and the surge dashboard — the same selectors and services
as the staff pages, so the console and scripts are two clients of one implementation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router, Schema
from pydantic import Field

from hongshu.accounts.auth import current_member, moderator_auth, triage_auth
from hongshu.api.language import GlossTokenOut
from hongshu.api.moderation import ActionOut, CaseOut, StaffReportOut
from hongshu.core.schemas import PathId
from hongshu.language.translation.service import target_for
from hongshu.moderation import actions, bulk, console, dashboard

router = Router(tags=["moderation"])


class CaseTranslationOut(Schema):
    kind: Literal["translation", "gloss"] = Field(
        description="a machine translation, or the dictionary gloss (no provider configured): not a translation"
    )
    provider: str
    source: str
    target: str
    title: str
    text: str
    title_gloss: list[GlossTokenOut]
    gloss: list[GlossTokenOut]


class CaseContentOut(Schema):
    subject_type: str
    subject_id: str
    state: str = Field(
        description="published, held, draft, removed, active or inactive (a member), missing (gone)"
    )
    title: str = Field(description="a note's title, a member's display name")
    body: str = Field(description="a note's or comment's text, a member's bio")
    language: str
    member_id: str | None
    note_id: str | None = Field(description="a comment's note")
    media_ids: list[str] = Field(description="a note's photos: GET /staff/cases/{id}/media/{media_id} (web)")
    pending: dict[str, str] = Field(description="a member's held display name or bio")


class MemberStrikeOut(Schema):
    action_id: str
    severity: int
    created_at: datetime
    expires_at: datetime
    removed_at: datetime | None
    active: bool = Field(description="unexpired and not removed: it counts against the trust level")


class MemberHistoryOut(Schema):
    member_id: str
    handle: str
    account_age_days: int
    trust_level: int
    notes_count: int = Field(description="published notes not deleted")
    active_strikes: int
    strikes: list[MemberStrikeOut]
    earlier_actions: list[ActionOut] = Field(description="decisions about the member outside this case")


class CaseContextOut(Schema):
    case_id: str
    content: CaseContentOut
    history: MemberHistoryOut | None
    translation: CaseTranslationOut | None
    translation_error: str = Field(description="why the asked-for translation failed; blank otherwise")
    previous_case_id: str | None = Field(description="the case before it in the queue")
    next_case_id: str | None


class CaseContextIn(Schema):
    translate: bool = Field(default=False, description="also translate the content into the UI language")


def _str(value: int | None) -> str | None:
    return str(value) if value is not None else None


@router.get(
    "/staff/cases/{case_id}/context",
    response=CaseContextOut,
    auth=triage_auth,
    summary="A case's content, translation, the member's history, strikes and earlier decisions (staff)",
)
def case_context(request: HttpRequest, case_id: PathId, query: Query[CaseContextIn]) -> CaseContextOut:
    target = target_for(get_language()) if query.translate else None
    view = console.case_console(staff=current_member(request), case_id=case_id, translate_to=target)
    content, history, result = view.content, view.history, view.translation
    return CaseContextOut(
        case_id=str(case_id),
        content=_content_out(content),
        history=MemberHistoryOut(
            member_id=str(history.member.pk),
            handle=history.member.handle,
            account_age_days=history.age_days,
            trust_level=history.trust_level,
            notes_count=history.notes_count,
            active_strikes=history.active_strikes,
            strikes=[
                MemberStrikeOut(
                    action_id=str(row.strike.action_id),
                    severity=row.strike.severity,
                    created_at=row.strike.created_at,
                    expires_at=row.strike.expires_at,
                    removed_at=row.strike.removed_at,
                    active=row.active,
                )
                for row in history.strikes
            ],
            earlier_actions=[ActionOut.of(a) for a in history.actions],
        )
        if history is not None
        else None,
        translation=CaseTranslationOut(
            kind="gloss" if result.kind == "gloss" else "translation",
            provider=result.provider,
            source=result.source,
            target=result.target,
            title=result.title,
            text=result.text,
            title_gloss=[
                GlossTokenOut(original=t.original, pinyin=t.pinyin, meaning=t.meaning)
                for t in result.title_gloss
            ],
            gloss=[
                GlossTokenOut(original=t.original, pinyin=t.pinyin, meaning=t.meaning) for t in result.gloss
            ],
        )
        if result is not None
        else None,
        translation_error=view.translation_error,
        previous_case_id=_str(view.previous_id),
        next_case_id=_str(view.next_id),
    )


class CasesBulkIn(Schema):
    case_ids: list[Annotated[str, Field(pattern=r"^[0-9]{1,19}$")]] = Field(
        min_length=1, max_length=bulk.BULK_MAX, description="the cases' IDs"
    )
    operation: Literal["claim", "uphold", "dismiss", "close", "act"]
    kinds: list[Annotated[str, Field(max_length=16)]] = Field(
        default_factory=list,
        max_length=8,
        description="for act: the actions to take on each case's subject, as POST /staff/actions takes them",
    )
    rule: str = Field(default="", max_length=48, description="for act: an active rule (default: each case's)")
    facts: str = Field(default="", max_length=actions.FACTS_MAX, description="for act: what members read")
    duration_days: int | None = Field(default=None, ge=1, le=actions.SUSPEND_DAYS_MAX)
    note: str = Field(default="", max_length=4000, description="for uphold and dismiss")
    ignore_until_edited: bool = False


class CasesReviewIn(Schema):
    case_id: list[Annotated[str, Field(pattern=r"^[0-9]{1,19}$")]] = Field(
        min_length=1, max_length=bulk.BULK_MAX, description="the cases to review (repeat the parameter)"
    )


class MemberSummaryOut(Schema):
    member_id: str
    handle: str
    account_age_days: int
    trust_level: int
    notes_count: int
    active_strikes: int
    decisions: int = Field(description="actions about the member, all cases")


class CasesReviewItemOut(Schema):
    case_id: str
    found: bool
    case: CaseOut | None
    content: CaseContentOut | None
    reports: list[StaffReportOut]
    member: MemberSummaryOut | None


def _content_out(content: console.CaseContent) -> CaseContentOut:
    return CaseContentOut(
        subject_type=content.subject_type,
        subject_id=str(content.subject_id),
        state=content.state,
        title=content.title,
        body=content.body,
        language=content.language,
        member_id=_str(content.member_id),
        note_id=_str(content.note_id),
        media_ids=[str(m) for m in content.media_ids],
        pending=content.pending,
    )


@router.get(
    "/staff/cases/bulk",
    response=list[CasesReviewItemOut],
    auth=moderator_auth,
    summary="Review cases before a bulk decision: each with its content, reports and the member's standing (staff)",
)
def cases_review(request: HttpRequest, query: Query[CasesReviewIn]) -> list[CasesReviewItemOut]:
    items = console.cases_review(staff=current_member(request), case_ids=[int(v) for v in query.case_id])
    out = []
    for item in items:
        member = item.member
        out.append(
            CasesReviewItemOut(
                case_id=str(item.case_id),
                found=item.case is not None,
                case=CaseOut.of(item.row) if item.row is not None else None,
                content=_content_out(item.content) if item.content is not None else None,
                reports=[StaffReportOut.of(r) for r in item.reports],
                member=MemberSummaryOut(
                    member_id=str(member.member.pk),
                    handle=member.member.handle,
                    account_age_days=member.age_days,
                    trust_level=member.trust_level,
                    notes_count=member.notes_count,
                    active_strikes=member.active_strikes,
                    decisions=member.decisions,
                )
                if member is not None
                else None,
            )
        )
    return out


class CasesBulkItemOut(Schema):
    case_id: str
    ok: bool
    status: int = Field(description="what the single operation would have answered: 200, or 403/404/409/422")
    code: str = Field(description='"ok", or the refusal\'s stable code (e.g. case_claimed_by_other)')
    detail: str
    state: str = Field(description="the case's state afterwards")
    action_ids: list[str]


class CasesBulkOut(Schema):
    done: int
    refused: int
    results: list[CasesBulkItemOut]


@router.post(
    "/staff/cases/bulk",
    response=CasesBulkOut,
    auth=moderator_auth,
    summary="Apply one decision to several cases; each is its own operation, with a result per case (staff)",
)
def cases_bulk(request: HttpRequest, payload: CasesBulkIn) -> CasesBulkOut:
    results = bulk.cases_bulk(
        staff=current_member(request),
        case_ids=[int(v) for v in payload.case_ids],
        operation=payload.operation,
        kinds=list(payload.kinds),
        rule_code=payload.rule,
        facts=payload.facts,
        duration_days=payload.duration_days,
        note=payload.note,
        ignore_until_edited=payload.ignore_until_edited,
    )
    items = [
        CasesBulkItemOut(
            case_id=str(r.case_id),
            ok=r.ok,
            status=r.status,
            code=r.code,
            detail=r.detail,
            state=r.state,
            action_ids=[str(a) for a in r.action_ids],
        )
        for r in results
    ]
    done = sum(1 for r in results if r.ok)
    return CasesBulkOut(done=done, refused=len(results) - done, results=items)


class SurgeSignupHourOut(Schema):
    hour: datetime = Field(description="the start of the UTC hour")
    signups: int


class SurgeLanguageLoadOut(Schema):
    language: Literal["zh", "en", "other"]
    backlog: int = Field(description="open and claimed cases in this language")
    on_duty: int = Field(description="staff on duty who read it")
    decisions: int = Field(description="cases staff decided in the rate window")
    rate_per_hour: float = Field(description="decisions / rate_hours")
    hours_to_clear: float | None = Field(
        description="backlog / rate_per_hour; 0 with no backlog; null when nothing was decided in the window"
    )


class SurgeDashboardOut(Schema):
    at: datetime
    signup_hours: int
    rate_hours: int
    signups_total: int
    signups: list[SurgeSignupHourOut]
    languages: list[SurgeLanguageLoadOut]


@router.get(
    "/staff/dashboard",
    response=SurgeDashboardOut,
    auth=triage_auth,
    summary="The surge dashboard: sign-ups per hour, backlog, staff on duty and time to clear per language",
)
def surge_dashboard(request: HttpRequest) -> SurgeDashboardOut:
    board = dashboard.surge_dashboard(staff=current_member(request))
    return SurgeDashboardOut(
        at=board.at,
        signup_hours=board.signup_hours,
        rate_hours=board.rate_hours,
        signups_total=board.signups_total,
        signups=[SurgeSignupHourOut(hour=h, signups=n) for h, n in board.signups],
        languages=[
            SurgeLanguageLoadOut(
                language=load.language,  # type: ignore[arg-type]
                backlog=load.backlog,
                on_duty=load.on_duty,
                decisions=load.decisions,
                rate_per_hour=load.rate_per_hour,
                hours_to_clear=load.hours_to_clear,
            )
            for load in board.languages
        ],
    )
