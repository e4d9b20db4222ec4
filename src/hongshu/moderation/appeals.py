"""Appeals (issue 25 item 6; DSA Art. 20): a member contests a decision about them from its statement of
reasons, within `HONGSHU_APPEAL_WINDOW_DAYS` of the decision; a moderator other than the one who took it
upholds or overturns it.

    open ──(a different moderator)──▶ upheld      the decision stands, nothing changes
         └────────────────────────▶ overturned  `actions.action_revert` undoes every effect it recorded
                                                 (content back, suspension or ban lifted, strike removed,
                                                 trust recomputed); the appeal row is the mark that the
                                                 action fell on appeal (counted against the original
                                                 decision in the transparency report)

One open appeal per action (a partial unique constraint), and one appeal per decision in all: once decided,
the internal complaint is answered and the statement names the out-of-court routes. An automatic suspension
that the overturned decision's strike brought about falls with it when the member's unexpired strikes drop
below `strikes_suspend_at`.

A suspended or banned member cannot sign in, so the sign-in refusal links to `/appeal`, where the handle and
password (rate-limited as sign-in is) let them read their decisions and appeal them without a session of
their own (`barred_member_verify`; the web view keeps only the verified member's id in the anonymous session
for a short while). Filing and deciding append to the moderation event log in their transaction; the member
is told the outcome in their language after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.accounts.roles import require_role
from hongshu.comments.models import Comment
from hongshu.core.audit import audit_append
from hongshu.core.errors import Conflict, Forbidden, NotFound, field_error
from hongshu.core.jobs import enqueue_on_commit
from hongshu.core.text import is_storable
from hongshu.members.trust import strikes_count
from hongshu.moderation.actions import action_revert, barring_of
from hongshu.moderation.models import Action, Appeal, SubjectType
from hongshu.notes.models import Note

TEXT_MAX = 2000
NOTE_MAX = 4000
QUEUE_MAX = 200
OUTCOMES = (Appeal.State.UPHELD, Appeal.State.OVERTURNED)


def appeal_deadline(action: Action) -> datetime:
    """The last moment the member may appeal this decision."""
    return action.created_at + timedelta(days=settings.HONGSHU.appeal_window_days)


def _appealable(action: Action, appeal: Appeal | None, now: datetime) -> bool:
    return action.reverted_at is None and appeal is None and now <= appeal_deadline(action)


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise field_error("text", _("Tell us why the decision is wrong."), code="appeal_text_missing")
    if len(text) > TEXT_MAX:
        raise field_error("text", _("Please keep it under 2000 characters."), code="appeal_text_too_long")
    if not is_storable(text):
        raise field_error(
            "text", _("The text contains characters we cannot store."), code="invalid_character"
        )
    return text


def _record(appeal: Appeal, kind: str, actor_id: int | None, **data: object) -> None:
    action = appeal.action
    audit_append(
        kind=kind,
        subject=action.subject,
        actor_id=actor_id,
        data={
            "appeal": str(appeal.pk),
            "action": str(action.pk),
            "kind": action.kind,
            "member": str(appeal.member_id),
            "rule": action.rule_code,
            "action_staff": str(action.staff_id) if action.staff_id else None,
            **data,
        },
    )


def appeal_file(*, member: User, action_id: int, text: str, language: str = "en") -> Appeal:
    """File the member's appeal of one decision about them. Refused (problems): a decision that is not theirs
    (404, as for one that does not exist), already reversed (409 `action_reverted`), past the window (403
    `appeal_window_closed`, with the deadline), already under appeal (409 `appeal_open`) or already decided
    on appeal (409 `appeal_decided`)."""
    text = _check_text(text)
    with transaction.atomic():
        # Locking the action serializes two appeals of it filed at once.
        action = Action.objects.select_for_update().filter(pk=action_id, member_id=member.pk).first()
        if action is None:
            raise NotFound(_("There is no decision about you with this number."), code="action_not_found")
        if action.reverted_at is not None:
            raise Conflict(_("This decision was already reversed."), code="action_reverted")
        earlier = Appeal.objects.filter(action=action).order_by("-id").first()
        if earlier is not None and earlier.state == Appeal.State.OPEN:
            raise Conflict(
                _("You already appealed this decision: it is waiting for a moderator."), code="appeal_open"
            )
        if earlier is not None:
            raise Conflict(_("Your appeal of this decision was already decided."), code="appeal_decided")
        deadline = appeal_deadline(action)
        if timezone.now() > deadline:
            raise Forbidden(
                _("The time to appeal this decision has passed."),
                code="appeal_window_closed",
                extra={"deadline": deadline.isoformat()},
            )
        appeal = Appeal.objects.create(action=action, member_id=member.pk, text=text, language=language[:16])
        _record(appeal, "appeal.filed", member.pk, language=appeal.language)
    return appeal


def _fall_automatic_suspensions(*, staff: User, member_id: int) -> list[str]:
    """Revert the automatic suspensions of the member whose ground (enough unexpired strikes) is gone."""
    threshold = settings.HONGSHU.strikes_suspend_at
    if threshold > 0 and strikes_count(user_id=member_id, now=timezone.now()) >= threshold:
        return []
    automatic = Action.objects.filter(
        member_id=member_id,
        kind=Action.Kind.SUSPEND,
        automated_decision=True,
        reverted_at__isnull=True,
        lifted_at__isnull=True,
    ).values_list("pk", flat=True)
    reverted = []
    for action_id in list(automatic):
        action_revert(staff=staff, action_id=action_id)
        reverted.append(str(action_id))
    return reverted


def appeal_decide(*, staff: User, appeal_id: int, outcome: str, note: str = "") -> Appeal:
    """Decide an open appeal (moderators and admins): `upheld` keeps the decision; `overturned` reverses every
    effect of it through `action_revert`. The decider must not be who took the decision (403
    `same_moderator`); an automated decision may be decided by any moderator."""
    require_role(staff, "moderator")
    if outcome not in OUTCOMES:
        raise field_error("outcome", _("Choose uphold or overturn."), code="invalid_outcome")
    note = (note or "").strip()
    if len(note) > NOTE_MAX or not is_storable(note):
        raise field_error("note", _("Please keep it under 4000 characters."), code="note_too_long")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("action").filter(pk=appeal_id).first()
        if appeal is None:
            raise NotFound(_("There is no appeal with this ID."), code="appeal_not_found")
        if appeal.state != Appeal.State.OPEN:
            raise Conflict(_("This appeal was already decided."), code="appeal_decided")
        if appeal.action.staff_id == staff.pk:
            raise Forbidden(
                _("You took this decision: another moderator must decide its appeal."), code="same_moderator"
            )
        also: list[str] = []
        if outcome == Appeal.State.OVERTURNED:
            if appeal.action.reverted_at is None:
                appeal.action = action_revert(staff=staff, action_id=appeal.action_id)
            also = _fall_automatic_suspensions(staff=staff, member_id=appeal.member_id)
        appeal.state, appeal.decided_by, appeal.decision_note = outcome, staff, note
        appeal.decided_at = timezone.now()
        appeal.save(update_fields=["state", "decided_by", "decision_note", "decided_at"])
        _record(appeal, "appeal.decided", staff.pk, outcome=outcome, also_reverted=also)
        from hongshu.moderation.tasks import appeal_notify_task  # the tasks module imports this one

        enqueue_on_commit(appeal_notify_task, str(appeal.pk))
    return appeal


# Reads -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyDecision:
    """One of the member's decisions with its appeal (if any) and whether they may appeal it now."""

    action: Action
    appeal: Appeal | None
    appealable: bool
    deadline: datetime


def decisions_with_appeals(*, member: User, limit: int = 100) -> list[MyDecision]:
    """The member's decisions, newest first, each with its appeal — two queries."""
    decided = list(Action.objects.filter(member_id=member.pk).order_by("-id")[:limit])
    appeals: dict[int, Appeal] = {}
    for appeal in Appeal.objects.filter(action_id__in=[a.pk for a in decided]).order_by("id"):
        appeals[appeal.action_id] = appeal  # the latest wins
    now = timezone.now()
    return [
        MyDecision(
            action=a,
            appeal=appeals.get(a.pk),
            appealable=_appealable(a, appeals.get(a.pk), now),
            deadline=appeal_deadline(a),
        )
        for a in decided
    ]


def appeals_of(*, member: User, limit: int = 100) -> list[Appeal]:
    """The member's appeals, newest first."""
    return list(Appeal.objects.filter(member_id=member.pk).select_related("action").order_by("-id")[:limit])


@dataclass(frozen=True)
class Content:
    """What the decision was about, as staff read it (a removed note too)."""

    label: str  # a note's title, a member's handle
    body: str
    path: str  # where it lives on the site (gone while removed)


def _contents(actions: list[Action]) -> dict[tuple[str, int], Content]:
    ids: dict[str, set[int]] = {t: set() for t in SubjectType.values}
    for action in actions:
        ids[action.subject_type].add(action.subject_id)
    found: dict[tuple[str, int], Content] = {}
    for pk, title, body in Note.objects.filter(pk__in=ids["note"]).values_list("pk", "title", "body"):
        found["note", pk] = Content(title, body, f"/notes/{pk}")
    for pk, body, note_id in Comment.objects.filter(pk__in=ids["comment"]).values_list(
        "pk", "body", "note_id"
    ):
        found["comment", pk] = Content("", body, f"/notes/{note_id}")
    for pk, handle, name in User.objects.filter(pk__in=ids["member"]).values_list(
        "pk", "handle", "display_name"
    ):
        found["member", pk] = Content(f"@{handle}", name, f"/@{handle}")
    return found


@dataclass(frozen=True)
class AppealRow:
    appeal: Appeal
    content: Content | None


def appeals_queue(*, staff: User, state: str = "open", limit: int = 50) -> list[AppealRow]:
    """Appeals for moderators: open ones oldest first (decided ones newest first), with their decision, the
    member and the content — three queries whatever the length."""
    require_role(staff, "moderator")
    rows = Appeal.objects.filter(state=state if state in Appeal.State.values else Appeal.State.OPEN)
    rows = rows.select_related("action", "action__staff", "member", "decided_by")
    rows = rows.order_by("id" if state == Appeal.State.OPEN else "-id")
    appeals = list(rows[: min(limit, QUEUE_MAX)])
    contents = _contents([a.action for a in appeals])
    return [
        AppealRow(appeal=a, content=contents.get((a.action.subject_type, a.action.subject_id)))
        for a in appeals
    ]


def appeal_row(*, staff: User, appeal_id: int) -> AppealRow:
    require_role(staff, "moderator")
    appeal = (
        Appeal.objects.select_related("action", "action__staff", "member", "decided_by")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise NotFound(_("There is no appeal with this ID."), code="appeal_not_found")
    content = _contents([appeal.action]).get((appeal.action.subject_type, appeal.action.subject_id))
    return AppealRow(appeal=appeal, content=content)


def barred_member_verify(*, handle: str, password: str) -> User | None:
    """The suspended or banned member these credentials belong to, or None (wrong password, no such member,
    or a member who is not barred: they sign in and appeal from their decisions). Callers rate-limit it as
    sign-in."""
    handle = (handle or "").strip().lstrip("@")
    if not handle or not is_storable(handle) or not is_storable(password or ""):
        return None
    user = User.objects.filter(handle__iexact=handle, is_active=False).first()
    if user is None or barring_of(member_id=user.pk) is None or not user.check_password(password):
        return None
    return user
