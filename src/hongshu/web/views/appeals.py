"""Appeals on the web (issue 25 item 6): the Appeal form under each statement of reasons on /me/decisions, the
same page for a suspended or banned member at /appeal (handle and password, rate-limited as sign-in; only the
verified member's id stays in the anonymous session, for `BARRED_MINUTES`), and the moderators' /staff/appeals.
The design is documented in `hongshu.moderation.appeals`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from hongshu.accounts.devices import sign_in_allow, sign_in_failed
from hongshu.accounts.models import User
from hongshu.core.errors import ProblemError, RateLimited
from hongshu.core.ratelimit import client_ip
from hongshu.moderation import appeals
from hongshu.moderation.actions import barring_of
from hongshu.moderation.models import Appeal
from hongshu.moderation.statements import Statement, rule_versions_of, statement_of
from hongshu.web.common import member_of, page_view, require_role, with_problem_headers

SESSION_KEY = "appeal_member"
BARRED_MINUTES = 30


@dataclass(frozen=True)
class DecisionRow:
    s: Statement
    appeal: Appeal | None
    appealable: bool
    deadline: datetime
    appeal_url: str
    typed: str = ""
    error: ProblemError | None = None


def _decisions_page(
    request: HttpRequest,
    member: User,
    *,
    barred: bool,
    failed_id: int | None = None,
    typed: str = "",
    error: ProblemError | None = None,
) -> HttpResponse:
    language = get_language() or "en"
    url = "appeal-barred-file" if barred else "me-decision-appeal"
    decided = appeals.decisions_with_appeals(member=member)
    versions = rule_versions_of([d.action for d in decided])
    rows = [
        DecisionRow(
            s=statement_of(d.action, language=language, versions=versions),
            appeal=d.appeal,
            appealable=d.appealable or d.action.pk == failed_id,
            deadline=d.deadline,
            appeal_url=reverse(url, args=[d.action.pk]),
            typed=typed if d.action.pk == failed_id else "",
            error=error if d.action.pk == failed_id else None,
        )
        for d in decided
    ]
    response = render(
        request,
        "web/moderation/my_decisions.html",
        {"rows": rows, "barred": barred, "text_max": appeals.TEXT_MAX},
        status=error.status if error else 200,
    )
    return with_problem_headers(response, error) if error else response


def decisions(request: HttpRequest) -> HttpResponse:
    """/me/decisions: each statement of reasons in the reader's language, with its appeal."""
    return _decisions_page(request, member_of(request), barred=False)


def _file(request: HttpRequest, member: User, action_id: int, *, barred: bool) -> HttpResponse:
    text = request.POST.get("text", "")
    try:
        appeals.appeal_file(member=member, action_id=action_id, text=text, language=get_language() or "en")
    except ProblemError as problem:  # the page again, the typed text kept beside the refusal
        return _decisions_page(request, member, barred=barred, failed_id=action_id, typed=text, error=problem)
    target = reverse("appeal-barred-decisions" if barred else "me-decisions")
    return redirect(f"{target}#decision-{action_id}")


@login_required
@page_view
@require_POST
def appeal_file(request: HttpRequest, action_id: int) -> HttpResponse:
    return _file(request, member_of(request), action_id, barred=False)


def _barred_member(request: HttpRequest) -> User | None:
    """The suspended or banned member who proved their password here in the last `BARRED_MINUTES`."""
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, list) or len(held) != 2 or time.time() - float(held[1]) > BARRED_MINUTES * 60:
        return None
    user = User.objects.filter(pk=int(held[0]), is_active=False).first()
    return user if user is not None and barring_of(member_id=user.pk) is not None else None


@page_view
@require_http_methods(["GET", "POST"])
def appeal_barred(request: HttpRequest) -> HttpResponse:
    """/appeal: a suspended or banned member proves who they are to read and appeal their decisions."""
    handle = request.POST.get("handle", "").strip().lstrip("@")[:30]
    error: str | Promise | ProblemError | None = None
    status = 200
    if request.method == "POST":
        ip = client_ip(request)
        try:
            sign_in_allow(ip=ip, handle=handle, device=None)
        except RateLimited as problem:
            error, status = problem, problem.status
        else:
            member = appeals.barred_member_verify(handle=handle, password=request.POST.get("password", ""))
            if member is None:
                sign_in_failed(ip=ip, handle=handle, device=None)
                error = _(
                    "The handle or password is not correct, or this account is not suspended or banned."
                )
                status = 400
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = [member.pk, time.time()]
                return redirect("appeal-barred-decisions")
    response = render(
        request, "web/moderation/appeal_barred.html", {"error": error, "handle": handle}, status=status
    )
    return with_problem_headers(response, error) if isinstance(error, ProblemError) else response


@page_view
@require_http_methods(["GET"])
def appeal_barred_decisions(request: HttpRequest) -> HttpResponse:
    member = _barred_member(request)
    if member is None:
        return redirect("appeal-barred")
    return _decisions_page(request, member, barred=True)


@page_view
@require_POST
def appeal_barred_file(request: HttpRequest, action_id: int) -> HttpResponse:
    member = _barred_member(request)
    if member is None:
        return redirect("appeal-barred")
    return _file(request, member, action_id, barred=True)


# Staff -----------------------------------------------------------------------------------------------------


def _staff_page(
    request: HttpRequest,
    staff: User,
    *,
    failed_id: int | None = None,
    typed: str = "",
    error: ProblemError | None = None,
) -> HttpResponse:
    state = request.GET.get("state", "open")
    state = state if state in Appeal.State.values else "open"
    language = get_language() or "en"
    queue = appeals.appeals_queue(staff=staff, state=state)
    versions = rule_versions_of([row.appeal.action for row in queue])
    rows = [(row, statement_of(row.appeal.action, language=language, versions=versions)) for row in queue]
    context = {
        "rows": rows,
        "state": state,
        # The refusal shows beside the form it answers, or on top when that form is not on the page.
        "failed_in_list": any(
            row.appeal.pk == failed_id and row.appeal.action.staff_id != staff.pk for row, _s in rows
        ),
        "staff": staff,
        "failed_id": failed_id,
        "typed": typed,
        "error": error,
    }
    response = render(
        request, "web/moderation/staff_appeals.html", context, status=error.status if error else 200
    )
    return with_problem_headers(response, error) if error else response


@login_required
@page_view
@require_http_methods(["GET"])
def staff_appeals(request: HttpRequest) -> HttpResponse:
    return _staff_page(request, require_role(request, "moderator"))


@login_required
@page_view
@require_POST
def staff_appeal_decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    staff = require_role(request, "moderator")
    note = request.POST.get("note", "")
    try:
        appeals.appeal_decide(
            staff=staff, appeal_id=appeal_id, outcome=request.POST.get("outcome", ""), note=note
        )
    except ProblemError as problem:
        if problem.status == 404:
            raise
        return _staff_page(request, staff, failed_id=appeal_id, typed=note, error=problem)
    return redirect("staff-appeals")
