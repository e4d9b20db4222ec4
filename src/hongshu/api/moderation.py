"""Reports (members) and cases (staff): issue 24 items 6 and 8. The rules a report names are listed by
`GET /api/v1/rules` (hongshu.api.screening).

Priority of the staff queue: `hongshu.moderation.selectors` documents the formula."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth, moderator_auth, staff_auth
from hongshu.core.models import AuditEvent
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.core.schemas import PathId
from hongshu.moderation import actions, selectors, services
from hongshu.moderation.models import Action, Case, CaseSubject, Report
from hongshu.moderation.selectors import CaseRow
from hongshu.moderation.statements import statement_of
from hongshu.moderation.transparency import transparency_report

router = Router(tags=["moderation"])


class ReportIn(Schema):
    subject_type: Literal["note", "comment", "member"]
    subject_id: str = Field(pattern=r"^[0-9]{1,19}$", description="the note's, comment's or member's ID")
    rule: str = Field(max_length=48, description="the code of an active rule (GET /rules)")
    text: str = Field(
        default="", max_length=services.TEXT_MAX, description="optional: what the moderators should know"
    )


class ReportOut(Schema):
    id: str
    subject_type: str
    subject_id: str
    rule: str
    text: str
    outcome: str = Field(description="blank while pending, else upheld or dismissed")
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def of(cls, report: Report) -> ReportOut:
        return cls(
            id=str(report.pk),
            subject_type=report.subject_type,
            subject_id=str(report.subject_id),
            rule=report.rule_code,
            text=report.text,
            outcome=report.outcome,
            created_at=report.created_at,
            decided_at=report.decided_at,
        )


class StaffReportOut(ReportOut):
    reporter_id: str
    reporter_handle: str
    weight: float = Field(description="the reporter's weight when they reported (0.2..2)")
    ignored: bool = Field(description="recorded against a decided case that ignores reports until edited")

    @classmethod
    def of(cls, report: Report) -> StaffReportOut:
        base = ReportOut.of(report).model_dump()
        return cls(
            **base,
            reporter_id=str(report.reporter_id),
            reporter_handle=report.reporter.handle,
            weight=report.weight,
            ignored=report.ignored,
        )


class CaseOut(Schema):
    id: str
    subject: str = Field(description='"note:<id>", "comment:<id>" or "member:<id>"')
    subject_type: str
    subject_id: str
    language: str = Field(description="the language of the content")
    source: str = Field(description="screening, report, burst or new_account")
    group: str
    rule: str
    rule_version: int | None
    state: str = Field(description="open, claimed, decided or closed")
    decision: str = Field(description="blank until decided, then upheld or dismissed")
    claimed_by: str | None = Field(description="the handle of the moderator who claimed it")
    severity: int
    report_weight: float = Field(description="summed weight of its reports")
    report_count: int
    reach: int = Field(
        description="likes + collects + comments of a note, likes of a comment, followers of a member"
    )
    age_hours: float
    priority: float = Field(description="see hongshu.moderation.selectors: higher first")
    auto_hidden: bool = Field(description="the reports' weighted score held the note pending review")
    hide_recommended: bool
    ignore_reports_until_edited: bool
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def of(cls, row: CaseRow) -> CaseOut:
        case = row.case
        return cls(
            id=str(case.pk),
            subject=case.subject,
            subject_type=case.subject_type,
            subject_id=str(case.subject_id),
            language=case.language,
            source=case.source,
            group=case.group,
            rule=case.rule_code,
            rule_version=case.rule_version,
            state=case.state,
            decision=case.decision,
            claimed_by=case.claimed_by.handle if case.claimed_by else None,
            severity=case.severity,
            report_weight=round(case.report_weight, 4),
            report_count=case.report_count,
            reach=row.reach,
            age_hours=row.age_hours,
            priority=row.priority,
            auto_hidden=case.auto_hidden,
            hide_recommended=case.hide_recommended,
            ignore_reports_until_edited=case.ignore_reports_until_edited,
            created_at=case.created_at,
            decided_at=case.decided_at,
        )


class CaseSubjectOut(Schema):
    subject_type: str
    subject_id: str

    @classmethod
    def of(cls, subject: CaseSubject) -> CaseSubjectOut:
        return cls(subject_type=subject.subject_type, subject_id=str(subject.subject_id))


class ScreeningDecisionOut(Schema):
    """One screening decision on a subject of the case, as the event log holds it."""

    seq: int = Field(description="its entry in the moderation event log")
    subject: str
    at: datetime
    outcome: str = Field(description="publish (shadow findings only), hold or reject")
    rule: str
    rule_version: int | None
    findings: list[dict[str, Any]] = Field(
        description="each: source (lexicon, link, burst), field, rule, action, shadow, and for a lexicon hit the "
        "term, the matched span and `normalised`: the steps that turned the text into the form that matched"
    )

    @classmethod
    def of(cls, event: AuditEvent) -> ScreeningDecisionOut:
        data = event.data
        return cls(
            seq=event.seq,
            subject=event.subject,
            at=event.at,
            outcome=str(data.get("outcome", "")),
            rule=str(data.get("rule", "")),
            rule_version=data.get("rule_version"),
            findings=list(data.get("findings", [])),
        )


class CaseDetailOut(CaseOut):
    subjects: list[CaseSubjectOut]
    reports: list[StaffReportOut]
    evidence: dict[str, str]
    decision_note: str
    decisions: list[ScreeningDecisionOut]


class CasesIn(Schema):
    state: list[Literal["open", "claimed", "decided", "closed"]] = Field(
        default_factory=list, description="default: open and claimed"
    )
    source: Literal["screening", "report", "burst", "new_account"] | None = None
    language: str | None = Field(default=None, max_length=16)
    limit: int = Field(default=50, ge=1, le=selectors.QUEUE_MAX)


class DecideIn(Schema):
    decision: Literal["upheld", "dismissed"]
    ignore_until_edited: bool = Field(
        default=False, description="reviewed: further reports open no case until the subject is edited"
    )
    note: str = Field(default="", max_length=4000)


@router.post(
    "/reports", response={201: ReportOut}, auth=member_auth, summary="Report a note, a comment or a member"
)
def report_create(request: HttpRequest, payload: ReportIn) -> Status[ReportOut]:
    member = current_member(request)
    rate_limit_hit("report", member=member, ip=client_ip(request))
    report = services.report_create(
        reporter=member,
        subject_type=payload.subject_type,
        subject_id=int(payload.subject_id),
        rule_code=payload.rule,
        text=payload.text,
        language=get_language() or "en",
    )
    return Status(201, ReportOut.of(report))


@router.get(
    "/reports/mine",
    response=list[ReportOut],
    auth=member_auth,
    summary="Your reports and their outcomes, newest first",
)
def reports_mine(request: HttpRequest) -> list[ReportOut]:
    return [ReportOut.of(report) for report in selectors.reports_of(member=current_member(request))]


def _case_detail(request: HttpRequest, case_id: int) -> CaseDetailOut:
    detail = selectors.case_detail(staff=current_member(request), case_id=case_id)
    case: Case = detail.row.case
    return CaseDetailOut(
        **CaseOut.of(detail.row).model_dump(),
        subjects=[CaseSubjectOut.of(s) for s in detail.subjects],
        reports=[StaffReportOut.of(r) for r in detail.reports],
        evidence={str(k): str(v) for k, v in (case.evidence or {}).items()},
        decision_note=case.decision_note,
        decisions=[ScreeningDecisionOut.of(event) for event in detail.decisions],
    )


@router.get(
    "/staff/cases", response=list[CaseOut], auth=staff_auth, summary="Cases, highest priority first (staff)"
)
def cases(request: HttpRequest, filters: Query[CasesIn]) -> list[CaseOut]:
    rows = selectors.cases_queue(
        staff=current_member(request),
        states=list(filters.state) or None,
        source=filters.source,
        language=filters.language,
        limit=filters.limit,
    )
    return [CaseOut.of(row) for row in rows]


@router.get(
    "/staff/cases/{case_id}",
    response=CaseDetailOut,
    auth=staff_auth,
    summary="A case with its subjects and reports (staff)",
)
def case(request: HttpRequest, case_id: PathId) -> CaseDetailOut:
    return _case_detail(request, case_id)


@router.post(
    "/staff/cases/{case_id}/claim",
    response=CaseDetailOut,
    auth=staff_auth,
    summary="Claim an open case (staff)",
)
def case_claim(request: HttpRequest, case_id: PathId) -> CaseDetailOut:
    services.case_claim(staff=current_member(request), case_id=case_id)
    return _case_detail(request, case_id)


@router.post(
    "/staff/cases/{case_id}/decide",
    response=CaseDetailOut,
    auth=moderator_auth,
    summary="Decide a case: upheld or dismissed; reporters are told (staff)",
)
def case_decide(request: HttpRequest, case_id: PathId, payload: DecideIn) -> CaseDetailOut:
    services.case_decide(
        staff=current_member(request),
        case_id=case_id,
        decision=payload.decision,
        ignore_until_edited=payload.ignore_until_edited,
        note=payload.note,
    )
    return _case_detail(request, case_id)


@router.post(
    "/staff/cases/{case_id}/close",
    response=CaseDetailOut,
    auth=moderator_auth,
    summary="Close a case (staff)",
)
def case_close(request: HttpRequest, case_id: PathId) -> CaseDetailOut:
    services.case_close(staff=current_member(request), case_id=case_id)
    return _case_detail(request, case_id)


class TransparencyIn(Schema):
    start: date | None = Field(default=None, description="first day (default: 30 days before `end`)")
    end: date | None = Field(default=None, description="last day, inclusive (default: today)")


@router.get(
    "/transparency",
    response=dict[str, Any],
    summary="The transparency report: decisions by rule, outcome, detection and language; reports; times to "
    "decision; screening precision (public)",
)
def transparency(request: HttpRequest, query: Query[TransparencyIn]) -> dict[str, Any]:
    return transparency_report(start=query.start, end=query.end).as_dict()


@router.get(
    "/transparency.csv",
    response={200: str},
    summary="The transparency report as CSV rows (section, key, value) (public)",
    openapi_extra={
        "responses": {200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
    },
)
def transparency_csv(request: HttpRequest, query: Query[TransparencyIn]) -> HttpResponse:
    report = transparency_report(start=query.start, end=query.end)
    response = HttpResponse(report.as_csv(), content_type="text/csv; charset=utf-8")
    name = f"hongshu-transparency-{report.start.isoformat()}-{report.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class StatementOut(Schema):
    """A statement of reasons (DSA Art. 17), in the language of the request."""

    id: str = Field(description="the action's ID: the decision number")
    kind: str = Field(description="remove, limit, sensitive, remove_profile, warn, suspend or ban")
    subject_type: str
    subject_id: str
    decision: str
    rule: str
    rule_version: int
    rule_title: str
    rule_text: str
    facts: str
    automated_detection: str
    automated_decision: str
    duration: str
    territorial_scope: str
    redress: str = Field(description="how to seek redress")
    until: datetime | None = Field(description="a suspension's end")
    created_at: datetime
    reverted_at: datetime | None
    state: str = Field(description="in_force, lifted (a suspension that ended) or reverted")

    @classmethod
    def of(cls, action: Action) -> StatementOut:
        return cls(**asdict(statement_of(action, language=get_language() or "en")))


class ActionOut(StatementOut):
    member_id: str
    case_id: str | None
    staff_handle: str | None
    effects: dict[str, Any]

    @classmethod
    def of(cls, action: Action) -> ActionOut:
        return cls(
            **StatementOut.of(action).model_dump(),
            member_id=str(action.member_id),
            case_id=str(action.case_id) if action.case_id else None,
            staff_handle=action.staff.handle if action.staff else None,
            effects=action.effects,
        )


class ActIn(Schema):
    kinds: list[Literal["remove", "limit", "sensitive", "remove_profile", "warn", "suspend", "ban"]] = Field(
        min_length=1, max_length=7
    )
    rule: str = Field(default="", max_length=48, description="an active rule's code (default: the case's)")
    facts: str = Field(default="", max_length=actions.FACTS_MAX, description="what the member will read")
    duration_days: int | None = Field(default=None, ge=1, le=actions.SUSPEND_DAYS_MAX)


class ActOnIn(ActIn):
    subject_type: Literal["note", "comment", "member"]
    subject_id: str = Field(pattern=r"^[0-9]{1,19}$")


class ActionsIn(Schema):
    member_id: str | None = Field(default=None, pattern=r"^[0-9]{1,19}$")
    case_id: str | None = Field(default=None, pattern=r"^[0-9]{1,19}$")
    limit: int = Field(default=50, ge=1, le=100)


@router.get(
    "/me/decisions",
    response=list[StatementOut],
    auth=member_auth,
    summary="The statements of reasons of the decisions about you, newest first",
)
def my_decisions(request: HttpRequest) -> list[StatementOut]:
    return [StatementOut.of(a) for a in actions.actions_of(member=current_member(request))]


@router.post(
    "/staff/cases/{case_id}/actions",
    response={201: list[ActionOut]},
    auth=moderator_auth,
    summary="Act on a case's subject: the case is decided upheld when still open (staff)",
)
def case_act(request: HttpRequest, case_id: PathId, payload: ActIn) -> Status[list[ActionOut]]:
    staff = current_member(request)
    case = selectors.case_detail(staff=staff, case_id=case_id).row.case
    taken = actions.act(
        staff=staff,
        subject_type=case.subject_type,
        subject_id=case.subject_id,
        kinds=list(payload.kinds),
        rule_code=payload.rule or case.rule_code,
        facts=payload.facts,
        duration_days=payload.duration_days,
        case_id=case.pk,
    )
    return Status(201, [ActionOut.of(a) for a in taken])


@router.post(
    "/staff/actions",
    response={201: list[ActionOut]},
    auth=moderator_auth,
    summary="Act on a note, a comment or a member without a case (staff)",
)
def act(request: HttpRequest, payload: ActOnIn) -> Status[list[ActionOut]]:
    taken = actions.act(
        staff=current_member(request),
        subject_type=payload.subject_type,
        subject_id=int(payload.subject_id),
        kinds=list(payload.kinds),
        rule_code=payload.rule,
        facts=payload.facts,
        duration_days=payload.duration_days,
    )
    return Status(201, [ActionOut.of(a) for a in taken])


@router.get(
    "/staff/actions", response=list[ActionOut], auth=staff_auth, summary="Actions, newest first (staff)"
)
def actions_list(request: HttpRequest, filters: Query[ActionsIn]) -> list[ActionOut]:
    rows = actions.actions_list(
        staff=current_member(request),
        member_id=int(filters.member_id) if filters.member_id else None,
        case_id=int(filters.case_id) if filters.case_id else None,
        limit=filters.limit,
    )
    return [ActionOut.of(a) for a in rows]


@router.post(
    "/staff/actions/{action_id}/revert",
    response=ActionOut,
    auth=moderator_auth,
    summary="Reverse an action: content back, suspension or ban lifted, strike removed (staff)",
)
def action_revert(request: HttpRequest, action_id: PathId) -> ActionOut:
    return ActionOut.of(actions.action_revert(staff=current_member(request), action_id=action_id))
