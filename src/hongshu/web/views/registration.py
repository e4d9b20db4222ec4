"""The staff's queue of applications, and a member's invite links."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from hongshu.accounts.models import User
from hongshu.core.errors import ProblemError
from hongshu.registration import selectors, services
from hongshu.web.common import member_of, page_view, require_role
from hongshu.web.forms import DecisionForm, InviteForm


def _staff_of(request: HttpRequest) -> User:
    return require_role(request, "moderator")


@login_required
@page_view
@require_http_methods(["GET"])
def applications(request: HttpRequest) -> HttpResponse:
    _staff_of(request)
    queue = selectors.applications_pending()
    context = {"applications": queue, "now": timezone.now(), "form": DecisionForm()}
    return render(request, "web/staff/applications.html", context)


def _decide(request: HttpRequest, application_id: int, *, approve: bool) -> HttpResponse:
    staff = _staff_of(request)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    decide = services.application_approve if approve else services.application_reject
    decide(application_id=application_id, actor=staff, note=note)
    return redirect("staff-applications")


@login_required
@page_view
@require_POST
def application_approve(request: HttpRequest, application_id: int) -> HttpResponse:
    return _decide(request, application_id, approve=True)


@login_required
@page_view
@require_POST
def application_reject(request: HttpRequest, application_id: int) -> HttpResponse:
    return _decide(request, application_id, approve=False)


@login_required
@page_view
@require_http_methods(["GET", "POST"])
def invites(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    form = InviteForm(request.POST or None)
    refused: ProblemError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_create(member=member, **form.cleaned_data)
        except ProblemError as problem:
            form.add_error(None, str(problem))
            refused = problem
        else:
            return redirect("me-invites")
    context = {
        "form": form,
        "invites": selectors.invites_of(member=member),
        "can_invite": services.invite_can_create(member=member),
        "now": timezone.now(),
    }
    return render(request, "web/me/invites.html", context, status=refused.status if refused else 200)


@login_required
@page_view
@require_POST
def invite_revoke(request: HttpRequest, invite_id: int) -> HttpResponse:
    services.invite_revoke(member=member_of(request), invite_id=invite_id)
    return redirect("me-invites")
