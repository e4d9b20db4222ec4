"""Moderation reads: the staff's queue of cases in priority order, one case with its reports, a member's own
reports, and the active rules a report sheet lists.

Priority of a case (higher first), from inputs each cheap to read for a bounded candidate set:

    priority = 10·severity + 3·min(report_weight, 10) + 2·log10(1 + reach) + min(age_hours / 6, 10)

`severity` 1..4 (the rule's), `report_weight` the summed weight of its reports (each 0.2..2), `reach` the
subject's audience from existing counters (a note's likes + collects + comments, a comment's likes, a
member's followers), `age_hours` since the case opened — so a critical case always leads, many credible
reports lift a case past a lone one of the same rule, and a case waiting two days gains as much as a
severity step.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.comments.models import Comment
from hongshu.comments.selectors import access_comment, is_live
from hongshu.core.errors import Forbidden, NotFound, field_error
from hongshu.core.models import AuditEvent
from hongshu.interactions.models import NoteCounter
from hongshu.moderation.models import Case, CaseSubject, Report, SubjectType
from hongshu.notes.models import Note
from hongshu.notes.selectors import access_note
from hongshu.screening.models import Rule
from hongshu.screening.stamp import catalog_key
from hongshu.social.models import FollowCounter
from hongshu.social.querysets import members_visible_to

CANDIDATES = 500  # newest cases matching the filters, ranked in memory
QUEUE_MAX = 200


@dataclass(frozen=True)
class Subject:
    type: str
    id: int
    author_id: int  # who wrote it (the member themself for a member)
    language: str
    path: str = ""  # where a reader finds it on the site
    label: str = ""  # its title, the start of its text, or the member's handle

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"


def _not_found() -> NotFound:
    return NotFound(
        _("There is nothing to report here, or it is not visible to you."), code="subject_not_found"
    )


def report_subject(*, reporter: User, subject_type: str, subject_id: int) -> Subject:
    """The subject as the visibility policy shows it to the reporter: NotFound when they cannot see it (the
    same answer as for one that does not exist), 422 for an unknown type."""
    if subject_type == SubjectType.NOTE:
        try:
            note = access_note(viewer=reporter, note_id=subject_id)
        except NotFound:
            raise _not_found() from None
        if note.status != Note.Status.PUBLISHED:
            raise _not_found()
        return Subject(
            SubjectType.NOTE, note.pk, note.author_id, note.language, f"/notes/{note.pk}", note.title
        )
    if subject_type == SubjectType.COMMENT:
        try:
            comment = access_comment(viewer=reporter, comment_id=subject_id)
        except NotFound:
            raise _not_found() from None
        if not is_live(comment):
            raise _not_found()
        path = f"/notes/{comment.note_id}#comment-{comment.pk}"
        return Subject(
            SubjectType.COMMENT, comment.pk, comment.author_id, comment.language, path, comment.body[:80]
        )
    if subject_type == SubjectType.MEMBER:
        member = members_visible_to(reporter).filter(pk=subject_id).first()
        if member is None:
            raise _not_found()
        language = member.bio_language or "und"
        return Subject(
            SubjectType.MEMBER, member.pk, member.pk, language, f"/@{member.handle}", f"@{member.handle}"
        )
    raise field_error("subject_type", _("Choose a note, a comment or a member."), code="invalid_subject_type")


@dataclass(frozen=True)
class CaseRow:
    case: Case
    reach: int
    age_hours: float
    priority: float


@dataclass(frozen=True)
class RuleChoice:
    code: str
    severity: int
    version: int
    title_en: str
    title_zh: str
    text_en: str
    text_zh: str

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en

    def text(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") else self.text_en


def rules_active() -> list[RuleChoice]:
    """The active rules, by code, cached until the catalogue changes (keyed by `catalog_key`)."""
    version, generation = catalog_key()
    key = f"moderation:rules:{version}:{generation}"
    cached: list[RuleChoice] | None = cache.get(key)
    if cached is None:
        cached = [
            RuleChoice(r.code, r.severity, r.version, r.title_en, r.title_zh, r.text_en, r.text_zh)
            for r in Rule.objects.filter(active=True).order_by("code")
        ]
        cache.set(key, cached, 300)
    return cached


def priority_of(*, severity: int, report_weight: float, reach: int, age_hours: float) -> float:
    """See the module's docstring."""
    return round(
        10 * severity
        + 3 * min(report_weight, 10.0)
        + 2 * math.log10(1 + max(reach, 0))
        + min(age_hours / 6, 10.0),
        3,
    )


def _reach(cases: list[Case]) -> dict[tuple[str, int], int]:
    ids: dict[str, set[int]] = defaultdict(set)
    for case in cases:
        ids[case.subject_type].add(case.subject_id)
    reach: dict[tuple[str, int], int] = {}
    if ids[SubjectType.NOTE]:
        rows = (
            NoteCounter.objects.filter(note_id__in=ids[SubjectType.NOTE])
            .values("note_id")
            .annotate(likes=Sum("likes"), collects=Sum("collects"), comments=Sum("comments"))
        )
        for row in rows:
            total = (row["likes"] or 0) + (row["collects"] or 0) + (row["comments"] or 0)
            reach[(SubjectType.NOTE, row["note_id"])] = total
    if ids[SubjectType.COMMENT]:
        for pk, likes in Comment.objects.filter(pk__in=ids[SubjectType.COMMENT]).values_list(
            "pk", "like_count"
        ):
            reach[(SubjectType.COMMENT, pk)] = likes
    if ids[SubjectType.MEMBER]:
        followers = (
            FollowCounter.objects.filter(user_id__in=ids[SubjectType.MEMBER])
            .values("user_id")
            .annotate(total=Sum("followers"))
        )
        for row in followers:
            reach[(SubjectType.MEMBER, row["user_id"])] = row["total"] or 0
    return reach


def reach_of(cases: list[Case]) -> dict[tuple[str, int], int]:
    """The reach of each case's subject, keyed (subject_type, subject_id): three queries at most."""
    return _reach(cases)


def _rows(cases: list[Case], now: datetime) -> list[CaseRow]:
    reach = _reach(cases)
    rows = []
    for case in cases:
        r = max(reach.get((case.subject_type, case.subject_id), 0), 0)
        age = max((now - case.created_at).total_seconds() / 3600, 0.0)
        rows.append(
            CaseRow(
                case=case,
                reach=r,
                age_hours=round(age, 3),
                priority=priority_of(
                    severity=case.severity, report_weight=case.report_weight, reach=r, age_hours=age
                ),
            )
        )
    return rows


def _require_staff(staff: User) -> None:
    if not staff.is_staff:
        raise Forbidden(code="not_staff")


def cases_queue(
    *,
    staff: User,
    states: list[str] | None = None,
    source: str | None = None,
    language: str | None = None,
    limit: int = 50,
) -> list[CaseRow]:
    """Cases in priority order (see the module's docstring): open and claimed unless `states` says other."""
    _require_staff(staff)
    rows = Case.objects.filter(state__in=states or list(Case.ACTIVE_STATES))
    if source:
        rows = rows.filter(source=source)
    if language:
        rows = rows.filter(language=language)
    candidates = list(rows.select_related("claimed_by").order_by("-id")[:CANDIDATES])
    ranked = sorted(_rows(candidates, timezone.now()), key=lambda row: (-row.priority, row.case.pk))
    return ranked[: min(limit, QUEUE_MAX)]


DECISIONS_SHOWN = 50


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    reports: list[Report]
    subjects: list[CaseSubject]
    # The screening decisions on its subjects, oldest first: what matched, and how each text was normalised.
    decisions: list[AuditEvent]


def case_detail(*, staff: User, case_id: int) -> CaseDetail:
    _require_staff(staff)
    case = Case.objects.select_related("claimed_by", "decided_by").filter(pk=case_id).first()
    if case is None:
        raise NotFound(code="case_not_found")
    reports = list(Report.objects.filter(case=case).select_related("reporter").order_by("id"))
    subjects = list(CaseSubject.objects.filter(case=case).order_by("id"))
    keys = {case.subject, *(f"{s.subject_type}:{s.subject_id}" for s in subjects)}
    decisions = list(
        AuditEvent.objects.filter(kind="screening.decision", subject__in=keys).order_by("seq")[
            :DECISIONS_SHOWN
        ]
    )
    return CaseDetail(
        row=_rows([case], timezone.now())[0], reports=reports, subjects=subjects, decisions=decisions
    )


def reports_of(*, member: User, limit: int = 100) -> list[Report]:
    """The member's reports, newest first, with the state of their cases."""
    return list(Report.objects.filter(reporter=member).select_related("case").order_by("-id")[:limit])
