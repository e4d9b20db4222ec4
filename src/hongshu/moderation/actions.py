"""What moderators do about a subject: remove, limit, mark sensitive, remove a profile, warn, suspend, ban —
several in one decision, with or without a case (issue 25 items 3 and 5). Each action is its own statement
of reasons (`moderation.statements` renders it); each restriction gives the member one strike per decision
(`accounts.models.Strike`).

Effects go through the switches the rest of the code already obeys, so there is no second visibility rule:
a removed note or comment is deleted as its author would delete it (`note_set_removed`,
`comment_set_removed`); a suspended or banned member is deactivated (`members.services.member_set_active`),
which hides them and everything they wrote through the one policy and refuses their sign-in, and their
sessions and tokens are revoked (`security.sessions.sign_out_everywhere`). A limit sets `Note.limited` or
`User.limited`, which the policy's discovery part (`NoteQuerySet.discoverable_for`) reads; marking sensitive
sets `Note.sensitive` (photos blurred until tapped); a profile removal clears the display name, bio and
avatar (`members.services.member_profile_clear`), keeping the old values in `effects`. `effects` on the
action records what it changed, and `action_revert` undoes exactly that. A member stays inactive while any
suspension or ban of theirs is in force; the periodic job `moderation.lift_expired_suspensions` ends
suspensions whose time ran out.

Every action, revert and lift appends to the moderation event log inside its transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import Strike, User
from hongshu.comments.models import Comment
from hongshu.comments.services import comment_set_removed
from hongshu.core.audit import audit_append
from hongshu.core.errors import Conflict, Forbidden, NotFound, ProblemError, field_error
from hongshu.core.jobs import enqueue_on_commit
from hongshu.core.text import is_storable
from hongshu.members.services import (
    member_profile_clear,
    member_profile_restore,
    member_set_active,
    member_set_limited,
)
from hongshu.members.trust import strikes_count, trust_recompute
from hongshu.moderation.models import Action, Case, SubjectType
from hongshu.moderation.services import case_decide
from hongshu.notes.models import Note
from hongshu.notes.services import note_set_limited, note_set_removed, note_set_sensitive
from hongshu.screening.models import Rule
from hongshu.security.sessions import sign_out_everywhere

FACTS_MAX = 4000
SUSPEND_DAYS_MAX = 3650
RESTRICTIONS = (
    Action.Kind.REMOVE,
    Action.Kind.SUSPEND,
    Action.Kind.BAN,
    Action.Kind.LIMIT,
    Action.Kind.REMOVE_PROFILE,
)
BARRING = (Action.Kind.SUSPEND, Action.Kind.BAN)
# Switches another action of the same kind on the same subject may hold on too (reverting one keeps it).
SWITCHES = (Action.Kind.LIMIT, Action.Kind.SENSITIVE)


def _barring_in_force(member_id: int, *, exclude_id: int | None = None) -> bool:
    """Whether a suspension or ban of this member is in force (optionally leaving one action out)."""
    rows = Action.objects.filter(
        member_id=member_id, kind__in=BARRING, reverted_at__isnull=True, lifted_at__isnull=True
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows.exists()


def _author_of(subject_type: str, subject_id: int) -> int:
    """The member a subject belongs to (NotFound for a subject that does not exist)."""
    if subject_type == SubjectType.NOTE:
        author = Note.objects.filter(pk=subject_id).values_list("author_id", flat=True).first()
    elif subject_type == SubjectType.COMMENT:
        author = Comment.objects.filter(pk=subject_id).values_list("author_id", flat=True).first()
    else:
        author = User.objects.filter(pk=subject_id).values_list("pk", flat=True).first()
    if author is None:
        raise NotFound(_("There is nothing with this ID to act on."), code="subject_not_found")
    return int(author)


def _bar(member: User, action: Action) -> dict[str, Any]:
    """Deactivate the member and sign them out everywhere; what changed, for the revert."""
    # Deactivated by us when active now, or when inactive only because of another of our actions (not this
    # one: its row exists already).
    ours = member.is_active or _barring_in_force(member.pk, exclude_id=action.pk)
    member_set_active(member=member, active=False)
    sessions, tokens = sign_out_everywhere(user=member)
    return {"deactivated": ours, "sessions": sessions, "tokens": tokens}


def _unbar(action: Action) -> bool:
    """After a suspension or ban stops being in force: reactivate the member when it had deactivated them and
    nothing else of ours still bars them."""
    if not action.effects.get("deactivated") or _barring_in_force(action.member_id, exclude_id=action.pk):
        return False
    member = User.objects.get(pk=action.member_id)
    member_set_active(member=member, active=True)
    return True


def _apply(action: Action, *, staff_id: int | None) -> dict[str, Any]:
    if action.kind == Action.Kind.REMOVE:
        if action.subject_type == SubjectType.NOTE:
            return {"removed": note_set_removed(note_id=action.subject_id, removed=True)}
        return {"removed": comment_set_removed(comment_id=action.subject_id, removed=True, staff_id=staff_id)}
    if action.kind in BARRING:
        return _bar(User.objects.get(pk=action.member_id), action)
    return _apply_switch(action)


def _apply_switch(action: Action) -> dict[str, Any]:
    """Limit, mark sensitive, remove a profile (warn changes nothing)."""
    if action.kind == Action.Kind.LIMIT:
        if action.subject_type == SubjectType.NOTE:
            return {"limited": note_set_limited(note_id=action.subject_id, limited=True)}
        return {"limited": member_set_limited(member_id=action.subject_id, limited=True)}
    if action.kind == Action.Kind.SENSITIVE:
        return {"sensitive": note_set_sensitive(note_id=action.subject_id, sensitive=True)}
    if action.kind == Action.Kind.REMOVE_PROFILE:
        return {"profile": member_profile_clear(member_id=action.subject_id)}
    return {}


def _switch_held_by_another(action: Action) -> bool:
    """Whether another limit (or sensitive mark) of the same subject is in force: reverting this one then
    leaves the switch on."""
    return (
        Action.objects.filter(
            kind=action.kind,
            subject_type=action.subject_type,
            subject_id=action.subject_id,
            reverted_at__isnull=True,
            lifted_at__isnull=True,
        )
        .exclude(pk=action.pk)
        .exists()
    )


def _record(action: Action, kind: str, actor_id: int | None, **data: Any) -> None:
    audit_append(
        kind=kind,
        subject=action.subject,
        actor_id=actor_id,
        data={
            "action": str(action.pk),
            "kind": action.kind,
            "member": str(action.member_id),
            "case": str(action.case_id) if action.case_id else None,
            "rule": action.rule_code,
            "rule_version": action.rule_version,
            "until": action.until.isoformat() if action.until else None,
            **data,
        },
    )


def _tell_member(action: Action) -> None:
    from hongshu.moderation.tasks import action_notify_task  # the tasks module imports this one

    enqueue_on_commit(action_notify_task, str(action.pk))


def _create(
    *,
    kind: str,
    subject_type: str,
    subject_id: int,
    member_id: int,
    staff: User | None,
    rule: Rule,
    facts: str,
    case: Case | None,
    until: Any = None,
    automated_decision: bool = False,
) -> Action:
    action = Action.objects.create(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        member_id=member_id,
        case=case,
        staff=staff,
        rule_code=rule.code,
        rule_version=rule.version,
        facts=facts,
        automated_detection=case is not None and case.source != Case.Source.REPORT,
        automated_decision=automated_decision,
        until=until,
    )
    action.effects = _apply(action, staff_id=staff.pk if staff else None)
    action.save(update_fields=["effects"])
    _record(
        action, "action.taken", staff.pk if staff else None, effects=action.effects, auto=automated_decision
    )
    _tell_member(action)
    return action


def _check(
    *, staff: User, subject_type: str, kinds: list[str], duration_days: int | None, facts: str
) -> list[str]:
    if not staff.is_staff:
        raise Forbidden(_("Only staff can do this."), code="not_staff")
    kinds = list(dict.fromkeys(kinds))
    if not kinds or any(kind not in Action.Kind.values for kind in kinds):
        raise field_error("kinds", _("Choose at least one action."), code="invalid_action")
    if Action.Kind.REMOVE in kinds and subject_type == SubjectType.MEMBER:
        raise field_error("kinds", _("Only notes and comments can be removed."), code="invalid_action")
    if Action.Kind.LIMIT in kinds and subject_type == SubjectType.COMMENT:
        raise field_error("kinds", _("Only notes and members can be limited."), code="invalid_action")
    if Action.Kind.SENSITIVE in kinds and subject_type != SubjectType.NOTE:
        raise field_error("kinds", _("Only notes can be marked sensitive."), code="invalid_action")
    if Action.Kind.REMOVE_PROFILE in kinds and subject_type != SubjectType.MEMBER:
        raise field_error("kinds", _("Only a member's profile can be removed."), code="invalid_action")
    if Action.Kind.SUSPEND in kinds and Action.Kind.BAN in kinds:
        raise field_error("kinds", _("Suspend or ban, not both."), code="invalid_action")
    if Action.Kind.SUSPEND in kinds and not (duration_days and 1 <= duration_days <= SUSPEND_DAYS_MAX):
        raise field_error(
            "duration_days", _("A suspension lasts between 1 and 3650 days."), code="invalid_duration"
        )
    if len(facts) > FACTS_MAX:
        raise field_error("facts", _("Please keep it under 4000 characters."), code="facts_too_long")
    return kinds


def act(
    *,
    staff: User,
    subject_type: str,
    subject_id: int,
    kinds: list[str],
    rule_code: str,
    facts: str = "",
    duration_days: int | None = None,
    case_id: int | None = None,
) -> list[Action]:
    """Take one decision: each of `kinds` on the subject (a note, a comment or a member), under an active
    rule, with the facts the member will read. With `case_id`, the case records the actions and, when still
    open, is decided upheld. Restrictions give the member one strike; reaching `strikes_suspend_at` unexpired
    strikes adds an automatic suspension. Returns the actions, the automatic one last."""
    facts = (facts or "").strip()
    kinds = _check(
        staff=staff, subject_type=subject_type, kinds=kinds, duration_days=duration_days, facts=facts
    )
    rule = Rule.objects.filter(code=rule_code, active=True).first()
    if rule is None:
        raise field_error("rule", _("Choose one of the community rules."), code="unknown_rule")
    member_id = _author_of(subject_type, subject_id)
    member = User.objects.get(pk=member_id)
    if member.is_staff or member.pk == staff.pk:
        raise Forbidden(_("Staff accounts cannot be acted on here."), code="staff_subject")
    now = timezone.now()
    with transaction.atomic():
        case = None
        if case_id is not None:
            case = Case.objects.select_for_update().filter(pk=case_id).first()
            if case is None:
                raise NotFound(_("There is no case with this ID."), code="case_not_found")
            if case.state == Case.State.CLOSED:
                raise Conflict(_("This case is closed."), code="case_closed")
            if case.state in Case.ACTIVE_STATES:
                case = case_decide(staff=staff, case_id=case.pk, decision=Case.Decision.UPHELD, note=facts)
        actions = []
        for kind in kinds:
            until = now + timedelta(days=duration_days or 0) if kind == Action.Kind.SUSPEND else None
            actions.append(
                _create(
                    kind=kind,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    member_id=member_id,
                    staff=staff,
                    rule=rule,
                    facts=facts,
                    case=case,
                    until=until,
                )
            )
        restriction = next((a for a in actions if a.kind in RESTRICTIONS), None)
        if restriction is not None:
            Strike.objects.create(
                user_id=member_id,
                action_id=restriction.pk,
                severity=rule.severity,
                created_at=now,
                expires_at=now + timedelta(days=settings.HONGSHU.strike_expiry_days),
            )
            audit_append(
                kind="strike.added",
                subject=f"member:{member_id}",
                actor_id=staff.pk,
                data={"action": str(restriction.pk), "severity": rule.severity},
            )
            automatic = _strikes_suspend(member_id=member_id, rule=rule, case=case, now=now)
            if automatic is not None:
                actions.append(automatic)
        trust_recompute(user_ids=[member_id])
    return actions


def _strikes_suspend(*, member_id: int, rule: Rule, case: Case | None, now: Any) -> Action | None:
    """The automatic suspension when the member's unexpired strikes reach the setting (none while barred)."""
    threshold = settings.HONGSHU.strikes_suspend_at
    strikes = strikes_count(user_id=member_id, now=now)
    if threshold <= 0 or strikes < threshold or _barring_in_force(member_id):
        return None
    return _create(
        kind=Action.Kind.SUSPEND,
        subject_type=SubjectType.MEMBER,
        subject_id=member_id,
        member_id=member_id,
        staff=None,
        rule=rule,
        facts="",
        case=case,
        until=now + timedelta(days=settings.HONGSHU.strikes_suspend_days),
        automated_decision=True,
    )


def _undo(action: Action, *, staff_id: int | None) -> dict[str, Any]:
    undone: dict[str, Any] = {}
    if action.kind == Action.Kind.REMOVE and action.effects.get("removed"):
        if action.subject_type == SubjectType.NOTE:
            undone["restored"] = note_set_removed(note_id=action.subject_id, removed=False)
        else:
            undone["restored"] = comment_set_removed(comment_id=action.subject_id, removed=False)
    if action.kind in BARRING:
        undone["reactivated"] = _unbar(action)
    # Only actions set these switches: off once no action of the kind holds them (whichever set it first).
    if action.kind in SWITCHES and not _switch_held_by_another(action):
        if action.kind == Action.Kind.SENSITIVE:
            undone["unmarked"] = note_set_sensitive(note_id=action.subject_id, sensitive=False)
        elif action.subject_type == SubjectType.NOTE:
            undone["unlimited"] = note_set_limited(note_id=action.subject_id, limited=False)
        else:
            undone["unlimited"] = member_set_limited(member_id=action.subject_id, limited=False)
    if action.kind == Action.Kind.REMOVE_PROFILE and action.effects.get("profile"):
        undone["restored"] = member_profile_restore(
            member_id=action.subject_id, before=action.effects["profile"]
        )
    return undone


def action_revert(*, staff: User, action_id: int) -> Action:
    """Reverse an action: the note or comment comes back, the suspension or ban ends (the member is active
    again unless another still bars them), the limit or sensitive mark ends (unless another action still
    holds it), the profile's cleared fields come back, its strike is removed and the trust level recomputed. The statement
    stays, marked reverted."""
    if not staff.is_staff:
        raise Forbidden(_("Only staff can do this."), code="not_staff")
    with transaction.atomic():
        action = Action.objects.select_for_update().filter(pk=action_id).first()
        if action is None:
            raise NotFound(_("There is no action with this ID."), code="action_not_found")
        if action.reverted_at is not None:
            raise Conflict(_("This action was already reverted."), code="action_reverted")
        now = timezone.now()
        action.reverted_at, action.reverted_by = now, staff
        action.save(update_fields=["reverted_at", "reverted_by"])
        undone = _undo(action, staff_id=staff.pk) if action.lifted_at is None else {}
        strikes = Strike.objects.filter(action_id=action.pk, removed_at__isnull=True).update(removed_at=now)
        _record(action, "action.reverted", staff.pk, undone=undone, strike_removed=bool(strikes))
        trust_recompute(user_ids=[action.member_id])
    return action


def suspensions_lift_expired() -> int:
    """End the suspensions whose time ran out (the periodic job); returns how many."""
    lifted = 0
    due = Action.objects.filter(
        kind=Action.Kind.SUSPEND, reverted_at__isnull=True, lifted_at__isnull=True, until__lte=timezone.now()
    ).values_list("pk", flat=True)
    for action_id in list(due[:500]):
        with transaction.atomic():
            action = Action.objects.select_for_update().filter(pk=action_id, lifted_at__isnull=True).first()
            if action is None or action.reverted_at is not None:
                continue
            action.lifted_at = timezone.now()
            action.save(update_fields=["lifted_at"])
            _record(action, "action.lifted", None, reactivated=_unbar(action))
            lifted += 1
    return lifted


def barring_of(*, member_id: int) -> Action | None:
    """The suspension or ban in force against a member: a ban first, else the suspension ending last."""
    rows = Action.objects.filter(
        member_id=member_id, kind__in=BARRING, reverted_at__isnull=True, lifted_at__isnull=True
    )
    return rows.filter(kind=Action.Kind.BAN).first() or rows.order_by("-until").first()


def barred_sign_in_refusal(*, handle: str, password: str) -> ProblemError | None:
    """Why a suspended or banned member with the right password cannot sign in (until when), or None.

    As for applicants, only someone who knows the password learns it: Django refuses inactive accounts
    before looking at the password."""
    handle = handle.strip().lstrip("@")
    if not handle or not is_storable(handle):
        return None
    user = User.objects.filter(handle__iexact=handle, is_active=False).first()
    if user is None:
        return None
    barring = barring_of(member_id=user.pk)
    if barring is None or not user.check_password(password):
        return None
    rule = Rule.objects.filter(code=barring.rule_code).first()
    ground = rule.title(get_language() or "en") if rule is not None else barring.rule_code
    if barring.kind == Action.Kind.BAN:
        return Forbidden(
            str(_("Your account is banned for breaking our rule: %(rule)s.")) % {"rule": ground},
            code="account_banned",
            extra={"rule": barring.rule_code, "appeal": "/appeal"},
        )
    until = date_format(timezone.localtime(barring.until), "DATETIME_FORMAT") if barring.until else ""
    return Forbidden(
        str(_("Your account is suspended until %(until)s for breaking our rule: %(rule)s."))
        % {"until": until, "rule": ground},
        code="account_suspended",
        extra={
            "rule": barring.rule_code,
            "until": barring.until.isoformat() if barring.until else None,
            "appeal": "/appeal",  # where they read the decision and appeal it (moderation.appeals)
        },
    )


def actions_of(*, member: User, limit: int = 100) -> list[Action]:
    """A member's own decisions (their statements of reasons), newest first."""
    return list(Action.objects.filter(member=member).order_by("-id")[:limit])


def actions_list(
    *, staff: User, member_id: int | None = None, case_id: int | None = None, limit: int = 100
) -> list[Action]:
    if not staff.is_staff:
        raise Forbidden(_("Only staff can do this."), code="not_staff")
    rows = Action.objects.all()
    if member_id is not None:
        rows = rows.filter(member_id=member_id)
    if case_id is not None:
        rows = rows.filter(case_id=case_id)
    return list(rows.order_by("-id")[:limit])
