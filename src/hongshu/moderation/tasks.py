"""Celery entry points: thin, arguments in as strings (they round-trip through JSON)."""

from __future__ import annotations

import contextlib

from celery import shared_task

from hongshu.accounts.models import User
from hongshu.core.errors import Forbidden
from hongshu.core.models import AuditEvent
from hongshu.moderation import actions, leases, services
from hongshu.moderation.models import Action, Appeal, Case, Report
from hongshu.notifications.services import system_notification_record
from hongshu.screening.models import Rule


@shared_task(name="moderation.case_open", acks_late=True, ignore_result=True)
def case_open_task(  # noqa: PLR0917 -- the event's arguments, positional as every event's are
    subject: str, source: str, language: str, rule_code: str, rule_version: str, audit_seq: str, group: str
) -> None:
    """The `content_held` event: screening held `subject` ("note:<id>"...) under `rule_code` at
    `rule_version`; `audit_seq` is its entry in the moderation event log, kept as the case's evidence.
    Missing values (None, "") are tolerated; an unknown source is kept in the evidence as a screening case's."""
    rule = Rule.objects.filter(code=rule_code).first() if rule_code else None
    evidence = {"audit_seq": str(audit_seq)} if audit_seq else {}
    if source not in Case.Source.values:
        evidence["source"] = str(source)
        source = Case.Source.SCREENING
    case = services.case_open(
        subject=subject,
        source=source,
        language=language or "und",
        rule_code=rule_code or "",
        rule_version=int(rule_version) if rule_version else None,
        severity=rule.severity if rule is not None else 2,
        evidence=evidence,
        group=group or "",
    )
    if source == Case.Source.BURST and audit_seq:
        services.case_hold_burst(case=case, subjects=_burst_subjects(int(audit_seq)))


def _burst_subjects(audit_seq: int) -> list[str]:
    """The texts of the burst, as the screening decision recorded them."""
    event = AuditEvent.objects.filter(seq=audit_seq).first()
    findings = event.data.get("findings", []) if event is not None else []
    return [s for f in findings if f.get("source") == "burst" for s in f.get("subjects", [])]


@shared_task(name="moderation.report_outcome_notify", acks_late=True, ignore_result=True)
def report_outcome_notify_task(report_id: str) -> None:
    """Tell a reporter how their report was decided (rendered in their language when they read it)."""
    report = Report.objects.filter(pk=int(report_id)).exclude(outcome="").first()
    if report is None:
        return
    system_notification_record(
        kind="report_outcome",
        recipient_id=report.reporter_id,
        key=f"report:{report.pk}",
        data={"decision": report.outcome, "subject_type": report.subject_type, "rule": report.rule_code},
    )


@shared_task(name="moderation.held_note_reviewed", acks_late=True, ignore_result=True)
def held_note_reviewed_task(note_id: str, staff_id: str, decision: str) -> None:
    """A held note was released or turned down from the held-notes queue: its active case takes the decision."""
    case = Case.objects.filter(
        subject_type="note", subject_id=int(note_id), state__in=Case.ACTIVE_STATES
    ).first()
    staff = User.objects.filter(pk=int(staff_id), is_staff=True).first()
    if case is not None and staff is not None:
        # A case escalated above the reviewer's role stays open for that role (moderation.leases).
        with contextlib.suppress(Forbidden):
            services.case_decide(staff=staff, case_id=case.pk, decision=decision)


@shared_task(name="moderation.action_notify", acks_late=True, ignore_result=True)
def action_notify_task(action_id: str) -> None:
    """Tell a member of a decision about them (its statement is rendered in their language when read). A
    suspended or banned member is inactive and gets no notification: the sign-in refusal tells them."""
    action = Action.objects.filter(pk=int(action_id)).first()
    if action is None:
        return
    system_notification_record(
        kind="moderation_action",
        recipient_id=action.member_id,
        key=f"action:{action.pk}",
        data={"action": str(action.pk), "kind": action.kind, "rule": action.rule_code},
    )


@shared_task(name="moderation.lift_expired_suspensions", ignore_result=True)
def lift_expired_suspensions_task() -> int:
    return actions.suspensions_lift_expired()


@shared_task(name="moderation.leases_expire", ignore_result=True)
def leases_expire_task() -> int:
    """Claims whose lease ran out go back to their queues (each expiry is in the event log)."""
    return leases.leases_expire()


@shared_task(name="moderation.case_priorities_age", ignore_result=True)
def case_priorities_age_task() -> int:
    """The age term of the queues' stored priorities (moderation.leases.case_priorities_age)."""
    return leases.case_priorities_age()


@shared_task(name="moderation.appeal_notify", acks_late=True, ignore_result=True)
def appeal_notify_task(appeal_id: str) -> None:
    """Tell a member how their appeal was decided (in their language when they read it). A member still
    suspended or banned gets none: the appeal page shows them the outcome."""
    appeal = (
        Appeal.objects.filter(pk=int(appeal_id))
        .exclude(state=Appeal.State.OPEN)
        .select_related("action")
        .first()
    )
    if appeal is None:
        return
    system_notification_record(
        kind="appeal_decided",
        recipient_id=appeal.member_id,
        key=f"appeal:{appeal.pk}",
        data={
            "appeal": str(appeal.pk),
            "action": str(appeal.action_id),
            "kind": appeal.action.kind,
            "outcome": appeal.state,
        },
    )
