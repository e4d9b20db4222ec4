"""The moderation queues (issue 25, items 2 and 10): queues by language with their counts, a queue's cases in
priority order, claim the next one, and release or escalate a case. Routing, leases and who may work what:
`hongshu.moderation.queues` and `hongshu.moderation.leases`. Claiming one case is
`POST /staff/cases/{case_id}/claim` (hongshu.api.moderation), with the same lease and checks."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, staff_auth
from hongshu.core.schemas import PathId
from hongshu.language.translation.service import target_for
from hongshu.moderation import leases, queues
from hongshu.moderation.queues import QueueRow, QueueSummary

router = Router(tags=["moderation"], auth=staff_auth)

QueueName = Literal["zh", "en", "other", "shared"]


class QueueOut(Schema):
    queue: str = Field(description="zh, en, other or shared")
    label: str = Field(description="its name in the language of the request")
    languages: list[str] = Field(
        description="the language queues it stands for (shared: those nobody on duty reads)"
    )
    waiting: int = Field(
        description="active cases nobody holds a live claim on (at least this many when `more`)"
    )
    claimed: int = Field(description="cases claimed under a lease that has not run out")
    more: bool = Field(description="counting stopped at 10,000 cases of one language: there are more")
    oldest_at: datetime | None = Field(description="when its oldest active case opened")
    oldest_age_hours: float | None
    shared: bool = Field(description="a language queue nobody on duty reads: its cases are in shared too")

    @classmethod
    def of(cls, summary: QueueSummary) -> QueueOut:
        return cls(
            queue=summary.queue,
            label=summary.label,
            languages=summary.languages,
            waiting=summary.waiting,
            claimed=summary.claimed,
            more=summary.more,
            oldest_at=summary.oldest_at,
            oldest_age_hours=summary.oldest_age_hours,
            shared=summary.shared,
        )


class TranslationShownOut(Schema):
    kind: str = Field(description="translation (machine), gloss (dictionary, word by word) or unavailable")
    label: str = Field(description="what it is, in the language of the request: show it with the text")
    provider: str
    target: str
    text: str


class QueueCaseOut(Schema):
    id: str
    subject: str = Field(description='"note:<id>", "comment:<id>" or "member:<id>"')
    queue: str = Field(description="zh, en or other: from the content's language")
    language: str
    source: str
    rule: str
    severity: int
    report_weight: float
    report_count: int
    reach: int
    priority: float = Field(description="higher first: severity × reach × reporter weight, aged")
    age_hours: float
    state: str = Field(description="open or claimed (or decided, closed after leaving the queue)")
    claimed_by: str | None = Field(description="the handle of the claimant")
    lease_until: datetime | None = Field(description="when the claim runs out")
    lease_live: bool = Field(description="claimed, and the lease has not run out")
    min_role: str = Field(
        description="the lowest role that may claim, decide or close it (raised by escalation)"
    )
    excerpt: str = Field(description="the start of the subject's text, in its language")
    translation: TranslationShownOut | None = Field(
        description="in the shared queue: the excerpt's machine translation or dictionary gloss"
    )

    @classmethod
    def of(cls, row: QueueRow) -> QueueCaseOut:
        case = row.case
        shown = row.translation
        return cls(
            id=str(case.pk),
            subject=case.subject,
            queue=case.queue,
            language=case.language,
            source=case.source,
            rule=case.rule_code,
            severity=case.severity,
            report_weight=round(case.report_weight, 4),
            report_count=case.report_count,
            reach=case.reach,
            priority=row.priority,
            age_hours=row.age_hours,
            state=case.state,
            claimed_by=case.claimed_by.handle if case.claimed_by else None,
            lease_until=case.lease_until,
            lease_live=row.lease_live,
            min_role=row.escalated_to or "triage",
            excerpt=row.excerpt,
            translation=None
            if shown is None
            else TranslationShownOut(
                kind=shown.kind,
                label=shown.label,
                provider=shown.provider,
                target=shown.target,
                text=shown.text,
            ),
        )


class QueuePageOut(Schema):
    queue: str
    languages: list[str]
    items: list[QueueCaseOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null at the end")


class QueuePageIn(Schema):
    limit: int = Field(default=50, ge=1, le=queues.PAGE_MAX)
    cursor: str = Field(default="", max_length=64)


class EscalateIn(Schema):
    reason: str = Field(default="", max_length=1000, description="why: kept in the event log")


@router.get(
    "/staff/queues", response=list[QueueOut], summary="Your queues with counts and oldest age (staff)"
)
def queue_list(request: HttpRequest) -> list[QueueOut]:
    return [QueueOut.of(s) for s in queues.queue_summaries(staff=current_member(request))]


@router.get(
    "/staff/queues/{queue}/cases",
    response=QueuePageOut,
    summary="A queue's cases, highest priority first (staff; a language you read, or shared)",
)
def queue_cases(request: HttpRequest, queue: QueueName, page: Query[QueuePageIn]) -> QueuePageOut:
    listed = queues.queue_cases(
        staff=current_member(request),
        queue=queue,
        limit=page.limit,
        cursor=page.cursor,
        target=target_for(get_language()),
    )
    return QueuePageOut(
        queue=listed.queue,
        languages=listed.languages,
        items=[QueueCaseOut.of(row) for row in listed.rows],
        next_cursor=listed.next_cursor,
    )


@router.post(
    "/staff/queues/{queue}/claim-next",
    response={200: QueueCaseOut, 204: None},
    summary="Claim the queue's highest-priority claimable case; 204 when there is none (staff)",
)
def queue_claim_next(request: HttpRequest, queue: QueueName) -> Status[QueueCaseOut | None]:
    case = leases.case_claim_next(staff=current_member(request), queue=queue)
    if case is None:
        return Status(204, None)
    return Status(200, QueueCaseOut.of(queues.row_of(case)))


@router.post(
    "/staff/cases/{case_id}/release",
    response=QueueCaseOut,
    summary="Give a claimed case back to its queue (staff: its claimant, or an admin)",
)
def case_release(request: HttpRequest, case_id: PathId) -> QueueCaseOut:
    return QueueCaseOut.of(queues.row_of(leases.case_release(staff=current_member(request), case_id=case_id)))


@router.post(
    "/staff/cases/{case_id}/escalate",
    response=QueueCaseOut,
    summary="Send a case up one role: triage → moderator → admin (staff)",
)
def case_escalate(request: HttpRequest, case_id: PathId, payload: EscalateIn) -> QueueCaseOut:
    case = leases.case_escalate(staff=current_member(request), case_id=case_id, reason=payload.reason)
    return QueueCaseOut.of(queues.row_of(case))
