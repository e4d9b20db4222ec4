"""Working the queues (writes): ranking a case, claiming it with a lease, claiming the next one, releasing,
escalating, and handing back claims whose lease ran out. Routing and the queues' reads are in
`moderation.queues`.

A claim is a lease of `HONGSHU_CASE_LEASE_MINUTES`: `claimed → open` when it runs out (the periodic job
`moderation.leases_expire`, or at once when someone else claims the case), so a moderator who walks away
never sits on a case. Claiming again renews it.

Who may claim (`claim_refusal`): staff whose role reaches the case's escalation level (triage → moderator →
admin), and — unless they are admins — who read the case's queue language, or the case is in the shared
queue (nobody on duty reads its language). Decide and close also need the escalation level.

`case_claim_next` takes the highest-priority claimable case of a queue with `SELECT … FOR UPDATE SKIP
LOCKED` on PostgreSQL: two moderators asking at once lock different rows, so never get the same case.

Every claim, renewal, release, takeover of an expired claim, expiry and escalation appends to the moderation
event log in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts import roles
from hongshu.accounts.models import User
from hongshu.core.audit import audit_append
from hongshu.core.errors import Conflict, Forbidden, NotFound
from hongshu.moderation import queues
from hongshu.moderation.models import Case
from hongshu.moderation.selectors import priority_of, reach_of

AGE_UNIT = 6 * 3600  # seconds per priority point of age (the `age_hours / 6` of the formula)
AGE_CAP = 10.0


def lease_minutes() -> int:
    return int(settings.HONGSHU.case_lease_minutes)


def rank_columns(
    *, severity: int, report_weight: float, reach: int, created_at: datetime, now: datetime
) -> tuple[float, float, float]:
    """(base_priority, aging_key, priority) of a case: see the Case model's comment."""
    base = priority_of(severity=severity, report_weight=report_weight, reach=reach, age_hours=0)
    aging_key = base - created_at.timestamp() / AGE_UNIT
    return base, aging_key, min(aging_key + now.timestamp() / AGE_UNIT, base + AGE_CAP)


def case_rank(*, case_id: int) -> None:
    """Recompute a case's reach and ranking columns (after it opens, a report, or a severity change)."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    reach = reach_of([case]).get((case.subject_type, case.subject_id), 0)
    base, aging_key, priority = rank_columns(
        severity=case.severity,
        report_weight=case.report_weight,
        reach=reach,
        created_at=case.created_at,
        now=timezone.now(),
    )
    Case.objects.filter(pk=case_id).update(
        reach=reach, base_priority=base, aging_key=aging_key, priority=priority
    )


def case_priorities_age(*, now: datetime | None = None) -> int:
    """The periodic refresh of the age term: one UPDATE over active cases younger than the cap (older ones
    stopped gaining). Returns how many rows it touched."""
    now = now or timezone.now()
    young = now - timedelta(seconds=AGE_UNIT * AGE_CAP + 3600)
    return Case.objects.filter(state__in=Case.ACTIVE_STATES, created_at__gte=young).update(
        priority=Least(F("aging_key") + now.timestamp() / AGE_UNIT, F("base_priority") + AGE_CAP)
    )


def _lease_live(case: Case, now: datetime) -> bool:
    return case.state == Case.State.CLAIMED and (case.lease_until is None or case.lease_until > now)


def claim_refusal(*, staff: User, case: Case, on_duty: set[str] | None = None) -> Forbidden | None:
    """Why `staff` may not claim `case` (a 403 in their language), or None when they may."""
    role = roles.role_of(staff)
    if role is None:
        return Forbidden(_("Only staff can do this."), code="not_staff")
    if roles.RANK[role] < case.escalation:
        needed = roles.ROLES[min(case.escalation, len(roles.ROLES) - 1)]
        return Forbidden(
            _("This case was escalated to the %(role)s role; yours is %(held)s.")
            % {"role": roles.ROLE_LABELS[needed], "held": roles.ROLE_LABELS[role]},
            code="case_escalated",
            extra={"role": needed, "held": role},
        )
    if role == "admin" or case.queue in queues.languages_read(staff=staff):
        return None
    if case.queue in queues.shared_languages(on_duty=on_duty):
        return None
    return Forbidden(
        _(
            "This case is in the %(queue)s queue, and you do not read that language. Take cases from your "
            "queues or from the shared queue."
        )
        % {"queue": queues.QUEUE_LABELS[case.queue]},
        code="language_not_read",
        extra={"queue": case.queue},
    )


def require_escalation(*, staff: User, case: Case) -> None:
    """Deciding or closing a case escalated above the staff member's role is refused (403 `case_escalated`)."""
    role = roles.role_of(staff)
    if role is not None and roles.RANK[role] < case.escalation:
        refusal = claim_refusal(staff=staff, case=case)
        if refusal is not None:
            raise refusal


def _locked(case_id: int) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("There is no case with this ID."), code="case_not_found")
    return case


def _take(case: Case, *, staff: User, now: datetime) -> Case:
    """Claim a locked, claimable case for `staff` and log it (a renewal, a takeover or a plain claim)."""
    before, previous = case.state, case.claimed_by_id
    renewal = before == Case.State.CLAIMED and previous == staff.pk
    takeover = before == Case.State.CLAIMED and previous is not None and previous != staff.pk
    case.state, case.claimed_by, case.updated_at = Case.State.CLAIMED, staff, now
    if not renewal:
        case.claimed_at = now
    case.lease_until = now + timedelta(minutes=lease_minutes())
    case.save(update_fields=["state", "claimed_by", "claimed_at", "lease_until", "updated_at"])
    data = {
        "case": str(case.pk),
        "from": before,
        "to": case.state,
        "lease_until": case.lease_until.isoformat(),
    }
    if renewal:
        audit_append(kind="case.lease_renewed", subject=case.subject, actor_id=staff.pk, data=data)
    elif takeover:
        data["previous"] = str(previous)
        audit_append(kind="case.lease_taken", subject=case.subject, actor_id=staff.pk, data=data)
    else:
        audit_append(kind="case.state", subject=case.subject, actor_id=staff.pk, data=data)
    return case


def case_claim(*, staff: User, case_id: int) -> Case:
    """Claim a case for `HONGSHU_CASE_LEASE_MINUTES`: an open one, one whose lease ran out (a takeover), or
    one's own (the lease is renewed). 409 when another's lease still holds or the case is decided; 403 when
    the staff member may not work it (`claim_refusal`)."""
    with transaction.atomic():
        case = _locked(case_id)
        refusal = claim_refusal(staff=staff, case=case)
        if refusal is not None:
            raise refusal
        now = timezone.now()
        if case.state not in Case.ACTIVE_STATES:
            raise Conflict(_("This case is not open."), code="case_not_open")
        if _lease_live(case, now) and case.claimed_by_id != staff.pk:
            raise Conflict(_("Someone else is working on this case."), code="case_claimed")
        return _take(case, staff=staff, now=now)


def claimable(rows: QuerySet[Case], *, staff: User, now: datetime) -> QuerySet[Case]:
    """Cases nobody holds a live lease on, that the staff member's role reaches."""
    role = roles.role_of(staff)
    rank = roles.RANK[role] if role is not None else -1
    return rows.filter(
        Q(state=Case.State.OPEN) | Q(state=Case.State.CLAIMED, lease_until__lte=now), escalation__lte=rank
    )


def case_claim_next(*, staff: User, queue: str) -> Case | None:
    """Claim the highest-priority claimable case of `queue` ("zh", "en", "other" or "shared"), or None when
    there is none. 403 when the staff member cannot work that queue (`queues.require_queue`)."""
    languages = queues.require_queue(staff=staff, queue=queue)
    skip_locked = connection.features.has_select_for_update_skip_locked
    # The shared queue is several language queues: try them best top first (each an index scan).
    order = queues.best_first(languages) if len(languages) > 1 else languages
    with transaction.atomic():
        now = timezone.now()
        for language in order:
            rows = claimable(
                Case.objects.filter(queue=language, state__in=Case.ACTIVE_STATES), staff=staff, now=now
            ).order_by("-priority", "id")
            if skip_locked:
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            else:  # SQLite: one writer at a time, so the first row is nobody else's
                rows = rows.select_for_update()
            case = rows.first()
            if case is not None:
                return _take(case, staff=staff, now=now)
    return None


def case_release(*, staff: User, case_id: int) -> Case:
    """Give a claimed case back to its queue: its claimant, or an admin. 409 when it is not claimed."""
    with transaction.atomic():
        case = _locked(case_id)
        if case.state != Case.State.CLAIMED:
            raise Conflict(_("This case is not claimed."), code="case_not_claimed")
        if case.claimed_by_id != staff.pk:
            roles.require_role(staff, "admin")
        return _reopen(case, actor_id=staff.pk, kind="case.released")


def _reopen(case: Case, *, actor_id: int | None, kind: str, **extra: str) -> Case:
    previous = case.claimed_by_id
    now = timezone.now()
    case.state, case.claimed_by, case.claimed_at, case.lease_until = Case.State.OPEN, None, None, None
    case.updated_at = now
    case.save(update_fields=["state", "claimed_by", "claimed_at", "lease_until", "updated_at"])
    audit_append(
        kind=kind,
        subject=case.subject,
        actor_id=actor_id,
        data={"case": str(case.pk), "from": "claimed", "to": "open", "previous": str(previous), **extra},
    )
    return case


def case_escalate(*, staff: User, case_id: int, reason: str = "") -> Case:
    """Send a case up one level (triage → moderator → admin): only staff of a higher role may then claim,
    decide or close it. A claim on it is released. 409 when it is already at the admins'; 403 when the staff
    member could not claim it."""
    with transaction.atomic():
        case = _locked(case_id)
        refusal = claim_refusal(staff=staff, case=case)
        if refusal is not None:
            raise refusal
        if case.state not in Case.ACTIVE_STATES:
            raise Conflict(_("This case is not open."), code="case_not_open")
        role = roles.role_of(staff) or "triage"
        target = max(case.escalation, roles.RANK[role]) + 1
        if target >= len(roles.ROLES):
            raise Conflict(_("This case is already with the admins."), code="case_at_top")
        before = case.escalation
        case.escalation, case.updated_at = target, timezone.now()
        fields = ["escalation", "updated_at"]
        if case.state == Case.State.CLAIMED:
            case.state, case.claimed_by, case.claimed_at, case.lease_until = Case.State.OPEN, None, None, None
            fields += ["state", "claimed_by", "claimed_at", "lease_until"]
        case.save(update_fields=fields)
        audit_append(
            kind="case.escalated",
            subject=case.subject,
            actor_id=staff.pk,
            data={
                "case": str(case.pk),
                "from": roles.ROLES[before],
                "to": roles.ROLES[target],
                "reason": reason[:1000],
            },
        )
    return case


def leases_expire(*, now: datetime | None = None) -> int:
    """Put every case whose lease ran out back in its queue (the periodic job). Returns how many."""
    now = now or timezone.now()
    expired = 0
    ids = list(
        Case.objects.filter(state=Case.State.CLAIMED, lease_until__lte=now).values_list("pk", flat=True)[
            :1000
        ]
    )
    for case_id in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=case_id).first()
            if case is None or case.state != Case.State.CLAIMED or _lease_live(case, now):
                continue  # decided, released or renewed in between
            _reopen(case, actor_id=None, kind="case.lease_expired", lease_until=str(case.lease_until))
            expired += 1
    return expired
