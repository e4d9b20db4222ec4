"""Bulk mode (issue 25 item 9): one decision applied to several cases, each through the same service a single
case uses (`case_claim`, `case_decide`, `case_close`, `actions.act`), so each item is its own transaction
with its own entries in the event log. One item refused (closed, claimed by someone else, a staff member's
content) does not stop the others: the result says, per item, what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.accounts.roles import has_role, require_role
from hongshu.core.errors import Forbidden, InvalidInput, ProblemError, field_error
from hongshu.core.ids import MAX_ID
from hongshu.moderation import actions, services
from hongshu.moderation.models import Action, Case

BULK_MAX = 50
Operation = Literal["claim", "uphold", "dismiss", "close", "act"]
OPERATIONS: tuple[Operation, ...] = ("claim", "uphold", "dismiss", "close", "act")
OPERATION_LABELS = {
    "claim": _("Claim"),
    "uphold": _("Uphold"),
    "dismiss": _("Dismiss"),
    "close": _("Close"),
    "act": _("Take actions"),
}


@dataclass(frozen=True)
class BulkItem:
    case_id: int
    ok: bool
    status: int  # the HTTP status the single operation would have answered
    code: str  # "ok", or the refusal's stable code
    detail: str
    state: str  # the case's state afterwards ("" when there is no such case)
    action_ids: list[int] = field(default_factory=list)


def _claimed_by_other(case: Case, staff: User) -> bool:
    return case.state == Case.State.CLAIMED and case.claimed_by_id not in (None, staff.pk)


def _one(
    *,
    staff: User,
    case_id: int,
    operation: Operation,
    kinds: list[str],
    rule_code: str,
    facts: str,
    duration_days: int | None,
    note: str,
    ignore_until_edited: bool,
) -> BulkItem:
    case = Case.objects.filter(pk=case_id).first() if 0 < case_id <= MAX_ID else None
    if case is None:
        return BulkItem(case_id, False, 404, "case_not_found", str(_("There is no case with this ID.")), "")
    if _claimed_by_other(case, staff) and not has_role(staff, "admin"):
        # Bulk mode never takes over a colleague's claim; an admin may, one case at a time or here.
        refusal = Forbidden(_("Another moderator has claimed this case."), code="case_claimed_by_other")
        return BulkItem(case_id, False, 403, refusal.code, str(refusal.detail), case.state)
    taken: list[int] = []
    try:
        if operation == "claim":
            services.case_claim(staff=staff, case_id=case_id)
        elif operation in ("uphold", "dismiss"):
            decision = Case.Decision.UPHELD if operation == "uphold" else Case.Decision.DISMISSED
            services.case_decide(
                staff=staff,
                case_id=case_id,
                decision=decision,
                ignore_until_edited=ignore_until_edited,
                note=note,
            )
        elif operation == "close":
            services.case_close(staff=staff, case_id=case_id)
        else:
            taken = [
                a.pk
                for a in actions.act(
                    staff=staff,
                    subject_type=case.subject_type,
                    subject_id=case.subject_id,
                    kinds=kinds,
                    rule_code=rule_code or case.rule_code,
                    facts=facts,
                    duration_days=duration_days,
                    case_id=case_id,
                )
            ]
    except ProblemError as refused:
        state = Case.objects.filter(pk=case_id).values_list("state", flat=True).first() or ""
        return BulkItem(
            case_id, False, refused.status, refused.code, str(refused.detail or refused.title), state
        )
    state = Case.objects.filter(pk=case_id).values_list("state", flat=True).first() or ""
    return BulkItem(case_id, True, 200, "ok", "", state, taken)


def cases_bulk(
    *,
    staff: User,
    case_ids: list[int],
    operation: str,
    kinds: list[str] | None = None,
    rule_code: str = "",
    facts: str = "",
    duration_days: int | None = None,
    note: str = "",
    ignore_until_edited: bool = False,
) -> list[BulkItem]:
    """Apply `operation` to each case, in the order given (duplicates once): claim, uphold, dismiss, close,
    or act (`kinds` under `rule_code`, default each case's rule; the case is decided upheld when open).
    Moderators and up; at most BULK_MAX cases. Returns one result per case."""
    require_role(staff, "moderator")
    if operation not in OPERATIONS:
        raise InvalidInput(_("Choose what to do with the cases."), code="invalid_operation")
    ids = list(dict.fromkeys(case_ids))
    if not ids or len(ids) > BULK_MAX:
        raise InvalidInput(
            _("Choose between 1 and %(max)d cases.") % {"max": BULK_MAX}, code="invalid_selection"
        )
    if operation == "act" and (not kinds or any(kind not in Action.Kind.values for kind in kinds)):
        raise field_error("kinds", _("Choose at least one action."), code="invalid_action")
    chosen: Operation = operation
    return [
        _one(
            staff=staff,
            case_id=case_id,
            operation=chosen,
            kinds=list(kinds or []),
            rule_code=rule_code,
            facts=facts,
            duration_days=duration_days,
            note=note,
            ignore_until_edited=ignore_until_edited,
        )
        for case_id in ids
    ]
