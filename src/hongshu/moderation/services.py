"""Moderation writes: members' reports, cases opened by screening, and what staff do to a case.

A case's states: `open → claimed → decided → closed` (an open case may be decided without a claim; any
case not closed may be closed). A report on a subject joins its active (open or claimed) case, or opens
one; when the subject's last case was decided "ignore further reports until edited" and the subject is
unchanged since, the report is recorded against that decided case and opens nothing.

Reporter weight (`weight_of`): with `u` reports upheld and `d` dismissed,
`weight = clamp(2 · (u + 1) / (u + d + 2), 0.2, 2.0)` — Laplace's rule of succession on "this member's
reports are right", scaled so a newcomer weighs 1, a reporter always right approaches 2 and one always wrong
falls to 0.2 (never 0: a wrong reporter can still be right). When a case's summed weight reaches the
`report_hide_threshold` setting, a published note or a comment is held pending review (its author still
sees it; a dismissal releases it); a member is only flagged `hide_recommended` for the moderator.

Every report and every change of a case appends to the moderation event log (`core.audit.audit_append`)
inside the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.accounts.services import account_profile_release
from hongshu.comments.services import comment_set_held
from hongshu.core.audit import audit_append
from hongshu.core.errors import Conflict, Forbidden, InvalidInput, NotFound, field_error
from hongshu.core.jobs import enqueue_on_commit
from hongshu.moderation import leases
from hongshu.moderation.models import Case, CaseSubject, Report, ReporterStanding, SubjectType
from hongshu.moderation.selectors import report_subject
from hongshu.notes.models import Note
from hongshu.notes.services import note_set_held
from hongshu.screening.models import Rule

TEXT_MAX = 1000
WEIGHT_MIN, WEIGHT_MAX = 0.2, 2.0
ACTIVE = Case.ACTIVE_STATES


def parse_subject(subject: str) -> tuple[str, int]:
    """ "note:123" → ("note", 123); ValueError for anything else."""
    kind, _sep, raw = subject.partition(":")
    if kind not in SubjectType.values or not raw.isdigit():
        raise ValueError(f"not a subject: {subject!r}")
    return kind, int(raw)


def weight_of(standing: ReporterStanding | None) -> float:
    """The weight of a reporter's next report, from their record (see the module's docstring)."""
    upheld = standing.upheld if standing else 0
    dismissed = standing.dismissed if standing else 0
    raw = 2.0 * (upheld + 1) / (upheld + dismissed + 2)
    return round(min(WEIGHT_MAX, max(WEIGHT_MIN, raw)), 4)


def reporter_weight(*, member: User) -> float:
    return weight_of(ReporterStanding.objects.filter(member=member).first())


def subject_marker(*, subject_type: str, subject_id: int) -> str:
    """What changes when the subject is edited: a note's revision, a member's profile revision. Comments
    cannot be edited, so theirs never changes (an "ignore until edited" holds for good)."""
    if subject_type == SubjectType.NOTE:
        revision = Note.objects.filter(pk=subject_id).values_list("revision", flat=True).first()
        return f"rev:{revision}"
    if subject_type == SubjectType.MEMBER:
        revision = User.objects.filter(pk=subject_id).values_list("profile_revision", flat=True).first()
        return f"profile:{revision}"
    return "comment"


def _active_case(subject_type: str, subject_id: int, *, lock: bool = True) -> Case | None:
    rows = Case.objects.filter(subject_type=subject_type, subject_id=subject_id, state__in=ACTIVE)
    return (rows.select_for_update() if lock else rows).first()


def _open_case(
    *,
    subject_type: str,
    subject_id: int,
    source: str,
    language: str,
    rule_code: str,
    rule_version: int | None,
    severity: int,
    evidence: dict[str, Any],
    group: str,
    actor_id: int | None,
) -> tuple[Case, bool]:
    """The subject's active case, locked, or a new one: (case, created). Call inside a transaction."""
    case = _active_case(subject_type, subject_id)
    if case is not None:
        return case, False
    try:
        with transaction.atomic():  # a concurrent opener wins the partial unique constraint: join its case
            case = Case.objects.create(
                subject_type=subject_type,
                subject_id=subject_id,
                source=source,
                language=language,
                rule_code=rule_code,
                rule_version=rule_version,
                severity=severity,
                evidence=evidence,
                group=group,
            )
    except IntegrityError:
        joined = _active_case(subject_type, subject_id)
        if joined is None:  # closed in between: let the caller retry
            raise
        return joined, False
    CaseSubject.objects.create(case=case, subject_type=subject_type, subject_id=subject_id)
    audit_append(
        kind="case.opened",
        subject=case.subject,
        actor_id=actor_id,
        data={
            "case": str(case.pk),
            "source": source,
            "rule": rule_code,
            "group": group,
            "language": language,
        },
    )
    return case, True


def _ignoring_case(subject_type: str, subject_id: int) -> Case | None:
    """The subject's last decided case when it said "ignore further reports until edited" and the subject
    has not been edited since; else None."""
    last = (
        Case.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .exclude(state__in=ACTIVE)
        .order_by("-id")
        .first()
    )
    if last is None or not last.ignore_reports_until_edited:
        return None
    if subject_marker(subject_type=subject_type, subject_id=subject_id) != last.marker_at_decision:
        return None
    return last


def _tell_reporter(report_id: int) -> None:
    from hongshu.moderation.tasks import report_outcome_notify_task  # the tasks module imports this one

    enqueue_on_commit(report_outcome_notify_task, str(report_id))


def _set_held(subject_type: str, subject_id: int, *, held: bool) -> bool:
    """Hold a published note or a live comment pending review, or let it go live again."""
    if subject_type == SubjectType.NOTE:
        return note_set_held(note_id=subject_id, held=held)
    if subject_type == SubjectType.COMMENT:
        return comment_set_held(comment_id=subject_id, held=held)
    return False


def _hide_pending_review(case: Case) -> None:
    """The weighted score passed the threshold: hold a published note or a comment (only its author sees it
    then), or flag a member for the moderator."""
    case.auto_hidden = _set_held(case.subject_type, case.subject_id, held=True)
    case.hide_recommended = True
    case.save(update_fields=["auto_hidden", "hide_recommended"])
    audit_append(
        kind="case.auto_hidden",
        subject=case.subject,
        data={"case": str(case.pk), "weight": case.report_weight, "held": case.auto_hidden},
    )


def _case_subjects(case: Case) -> list[tuple[str, int]]:
    grouped = CaseSubject.objects.filter(case=case).values_list("subject_type", "subject_id")
    return list(dict.fromkeys([(case.subject_type, case.subject_id), *grouped]))


def _settle_held(case: Case, decision: str) -> None:
    """What a decision does to what was held for review. Dismissed: held notes and comments go live and a
    held name or bio replaces the old one. Upheld: notes and comments stay held (removal comes with the
    moderators' actions), a held name or bio is dropped. A report's case only touches what its score hid."""
    if case.source == Case.Source.REPORT and not case.auto_hidden:
        return
    dismissed = decision == Case.Decision.DISMISSED
    for subject_type, subject_id in _case_subjects(case):
        if subject_type == SubjectType.MEMBER:
            account_profile_release(user_id=subject_id, approve=dismissed)
        elif dismissed:
            _set_held(subject_type, subject_id, held=False)


def case_hold_burst(*, case: Case, subjects: list[str]) -> int:
    """A burst of near-duplicates was found at its latest text: the earlier ones, already live, are held too
    and join the burst's one case. Returns how many were held now."""
    held = 0
    covered = set(_case_subjects(case))  # read once: the loop only adds subjects it has just checked
    for subject in subjects:
        subject_type, subject_id = parse_subject(subject)
        if (subject_type, subject_id) in covered:
            continue
        covered.add((subject_type, subject_id))
        with transaction.atomic():
            now_held = _set_held(subject_type, subject_id, held=True)
            CaseSubject.objects.get_or_create(case=case, subject_type=subject_type, subject_id=subject_id)
            audit_append(
                kind="case.joined",
                subject=subject,
                data={
                    "case": str(case.pk),
                    "source": Case.Source.BURST,
                    "group": case.group,
                    "held": now_held,
                },
            )
        held += now_held
    return held


def report_create(
    *,
    reporter: User,
    subject_type: str,
    subject_id: int,
    rule_code: str,
    text: str = "",
    language: str = "en",
) -> Report:
    """Record a member's report of a note, a comment or a member, and join or open its case.

    The subject must be visible to the reporter through the visibility policy (else NotFound, as for one
    that does not exist) and not their own (Forbidden); the rule an active one (422); one pending report
    per reporter and subject (409). Rate limiting is the adapter's (limit `report`), as for other writes.
    `language` is the reporter's interface language, in which they are later told the outcome.
    """
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise field_error("text", _("Please keep it under 1000 characters."), code="report_text_too_long")
    rule = Rule.objects.filter(code=rule_code, active=True).first()
    if rule is None:
        raise field_error("rule", _("Choose one of the community rules."), code="unknown_rule")
    subject = report_subject(reporter=reporter, subject_type=subject_type, subject_id=subject_id)
    if subject.author_id == reporter.pk:
        raise Forbidden(_("You cannot report yourself or what you wrote."), code="own_subject")
    with transaction.atomic():
        # Serialise one reporter's reports: the duplicate check below holds against a double click.
        User.objects.select_for_update().filter(pk=reporter.pk).first()
        mine = Report.objects.filter(reporter=reporter, subject_type=subject.type, subject_id=subject.id)
        ignoring = _ignoring_case(subject.type, subject.id)
        if mine.filter(outcome="", case__state__in=ACTIVE).exists() or (
            ignoring is not None and mine.filter(case=ignoring).exists()
        ):
            raise Conflict(
                _("You have already reported this. We will tell you the outcome."), code="already_reported"
            )
        weight = reporter_weight(member=reporter)
        now = timezone.now()
        if ignoring is not None:
            report = Report.objects.create(
                reporter=reporter,
                case=ignoring,
                subject_type=subject.type,
                subject_id=subject.id,
                rule_code=rule.code,
                text=text,
                weight=weight,
                language=language,
                ignored=True,
                outcome=ignoring.decision,
                decided_at=now,
            )
            audit_append(
                kind="report.created",
                subject=subject.key,
                actor_id=reporter.pk,
                data={"report": str(report.pk), "case": str(ignoring.pk), "rule": rule.code, "ignored": True},
            )
            # Already reviewed: the reporter hears the standing decision at once (their standing is unchanged).
            _tell_reporter(report.pk)
            return report
        case, _created = _open_case(
            subject_type=subject.type,
            subject_id=subject.id,
            source=Case.Source.REPORT,
            language=subject.language,
            rule_code=rule.code,
            rule_version=rule.version,
            severity=rule.severity,
            evidence={},
            group="",
            actor_id=reporter.pk,
        )
        report = Report.objects.create(
            reporter=reporter,
            case=case,
            subject_type=subject.type,
            subject_id=subject.id,
            rule_code=rule.code,
            text=text,
            weight=weight,
            language=language,
        )
        Case.objects.filter(pk=case.pk).update(
            report_weight=F("report_weight") + weight,
            report_count=F("report_count") + 1,
            severity=Greatest("severity", rule.severity),
            updated_at=now,
        )
        case.refresh_from_db()
        audit_append(
            kind="report.created",
            subject=subject.key,
            actor_id=reporter.pk,
            data={"report": str(report.pk), "case": str(case.pk), "rule": rule.code, "weight": weight},
        )
        if case.report_weight >= settings.HONGSHU.report_hide_threshold and not case.hide_recommended:
            _hide_pending_review(case)
        leases.case_rank(case_id=case.pk)
    return report


def case_open(
    *,
    subject: str,
    source: str,
    language: str,
    rule_code: str,
    rule_version: int | None,
    severity: int,
    evidence: dict[str, Any],
    group: str = "",
) -> Case:
    """Open a case for content screening held (or join the subject's active case). With a `group` (a burst
    of near-duplicates), the subject joins the group's active case as one more of its subjects."""
    subject_type, subject_id = parse_subject(subject)
    if source not in Case.Source.values:
        raise ValueError(f"unknown case source {source!r}")
    with transaction.atomic():
        if group:
            grouped = (
                Case.objects.select_for_update().filter(group=group, state__in=ACTIVE).order_by("id").first()
            )
            if grouped is not None:
                _, added = CaseSubject.objects.get_or_create(
                    case=grouped, subject_type=subject_type, subject_id=subject_id
                )
                if added:
                    Case.objects.filter(pk=grouped.pk).update(
                        severity=Greatest("severity", severity), updated_at=timezone.now()
                    )
                    audit_append(
                        kind="case.joined",
                        subject=subject,
                        data={"case": str(grouped.pk), "source": source, "group": group},
                    )
                leases.case_rank(case_id=grouped.pk)
                grouped.refresh_from_db()
                return grouped
        case, created = _open_case(
            subject_type=subject_type,
            subject_id=subject_id,
            source=source,
            language=language,
            rule_code=rule_code,
            rule_version=rule_version,
            severity=severity,
            evidence=evidence,
            group=group,
            actor_id=None,
        )
        if not created:
            Case.objects.filter(pk=case.pk).update(
                severity=Greatest("severity", severity), updated_at=timezone.now()
            )
            audit_append(
                kind="case.joined",
                subject=subject,
                data={"case": str(case.pk), "source": source, "rule": rule_code, "group": group},
            )
        leases.case_rank(case_id=case.pk)
        case.refresh_from_db()
    return case


def _staff_case(*, staff: User, case_id: int) -> Case:
    if not staff.is_staff:
        raise Forbidden(_("Only staff can do this."), code="not_staff")
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("There is no case with this ID."), code="case_not_found")
    return case


def _state_changed(case: Case, *, staff: User, before: str, **data: Any) -> None:
    audit_append(
        kind="case.state",
        subject=case.subject,
        actor_id=staff.pk,
        data={"case": str(case.pk), "from": before, "to": case.state, **data},
    )


def case_claim(*, staff: User, case_id: int) -> Case:
    """A staff member takes a case for a lease (claiming one's own claim again renews it): see
    moderation.leases, which also says who may claim what."""
    return leases.case_claim(staff=staff, case_id=case_id)


def _standing_add(reporter_ids: set[int], *, upheld: bool) -> None:
    for member_id in sorted(reporter_ids):  # a fixed order: two decisions never wait on each other's rows
        ReporterStanding.objects.get_or_create(member_id=member_id)
        field = "upheld" if upheld else "dismissed"
        ReporterStanding.objects.filter(member_id=member_id).update(**{field: F(field) + 1})


def case_decide(
    *, staff: User, case_id: int, decision: str, ignore_until_edited: bool = False, note: str = ""
) -> Case:
    """Decide an open or claimed case: its reports take the outcome, their reporters' standing moves, each
    reporter is told, and a note the reports held goes back to published on dismissal (it stays held on
    uphold: removal is the next issue's). `ignore_until_edited` keeps further reports from opening a case
    until the subject changes."""
    if decision not in Case.Decision.values:
        raise InvalidInput(_("Decide upheld or dismissed."), code="invalid_decision")
    with transaction.atomic():
        case = _staff_case(staff=staff, case_id=case_id)
        leases.require_escalation(staff=staff, case=case)
        if case.state not in ACTIVE:
            raise Conflict(_("This case was already decided."), code="case_decided")
        before, now = case.state, timezone.now()
        case.state, case.decision, case.decision_note = Case.State.DECIDED, decision, note[:4000]
        case.decided_by, case.decided_at, case.updated_at = staff, now, now
        case.ignore_reports_until_edited = ignore_until_edited
        _settle_held(case, decision)
        if decision == Case.Decision.DISMISSED:
            case.auto_hidden = False
        case.marker_at_decision = subject_marker(subject_type=case.subject_type, subject_id=case.subject_id)
        case.save(
            update_fields=[
                "state",
                "decision",
                "decision_note",
                "decided_by",
                "decided_at",
                "updated_at",
                "ignore_reports_until_edited",
                "marker_at_decision",
                "auto_hidden",
            ]
        )
        pending = Report.objects.filter(case=case, outcome="")
        reporters = set(pending.values_list("reporter_id", flat=True))
        report_ids = list(pending.values_list("pk", flat=True))
        pending.update(outcome=decision, decided_at=now)
        _standing_add(reporters, upheld=decision == Case.Decision.UPHELD)
        _state_changed(
            case, staff=staff, before=before, decision=decision, ignore_until_edited=ignore_until_edited
        )
        for report_id in report_ids:
            _tell_reporter(report_id)
    return case


def case_close(*, staff: User, case_id: int) -> Case:
    """Close a case (decided or not): it leaves the queues; an undecided one frees its subject for a new case."""
    with transaction.atomic():
        case = _staff_case(staff=staff, case_id=case_id)
        leases.require_escalation(staff=staff, case=case)
        if case.state == Case.State.CLOSED:
            return case
        before = case.state
        case.state, case.closed_at = Case.State.CLOSED, timezone.now()
        case.updated_at = case.closed_at
        case.save(update_fields=["state", "closed_at", "updated_at"])
        _state_changed(case, staff=staff, before=before)
    return case
