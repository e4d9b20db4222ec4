"""The moderation queues (staff): queues by language with counts and the oldest case's age, a queue's cases in
priority order with claim-next, claim, release and escalate. The same selectors and services as
/api/v1/staff/queues (hongshu.moderation.queues and .leases)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST

from hongshu.accounts import roles
from hongshu.language.translation.service import target_for
from hongshu.moderation import leases, queues
from hongshu.web.common import page_view, require_role

PAGE = 25  # cases a page shows: a phone's few screens; "More cases" continues (the API's default is 50)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the form was on (a queue), else the queues."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("staff-queues")


@login_required
@page_view
@require_http_methods(["GET"])
def staff_queues(request: HttpRequest) -> HttpResponse:
    staff = require_role(request, "triage")
    context = {
        "summaries": queues.queue_summaries(staff=staff),
        "languages_read": queues.languages_read(staff=staff),
        "is_admin": roles.has_role(staff, "admin"),
    }
    return render(request, "web/moderation/queues.html", context)


@login_required
@page_view
@require_http_methods(["GET"])
def staff_queue(request: HttpRequest, queue: str) -> HttpResponse:
    staff = require_role(request, "triage")
    page = queues.queue_cases(
        staff=staff,
        queue=queue,
        limit=PAGE,
        cursor=request.GET.get("cursor", "")[:64],
        target=target_for(get_language()),
    )
    context = {
        "page": page,
        "label": queues.QUEUE_LABELS.get(queue, queue),
        "staff": staff,
        "rank": roles.RANK[roles.role_of(staff) or "triage"],
        "empty": request.GET.get("empty") == "1",
        "here": request.get_full_path(),
        # Each row links four case routes: one reversed prefix instead of 200 reversals a page.
        "cases": reverse("staff-cases"),
    }
    return render(request, "web/moderation/queue.html", context)


@login_required
@page_view
@require_POST
def staff_queue_claim_next(request: HttpRequest, queue: str) -> HttpResponse:
    case = leases.case_claim_next(staff=require_role(request, "triage"), queue=queue)
    if case is None:
        return redirect(reverse("staff-queue", args=[queue]) + "?empty=1")
    return redirect("staff-case", case_id=case.pk)


@login_required
@page_view
@require_POST
def staff_case_release(request: HttpRequest, case_id: int) -> HttpResponse:
    leases.case_release(staff=require_role(request, "triage"), case_id=case_id)
    return _back(request)


@login_required
@page_view
@require_POST
def staff_case_escalate(request: HttpRequest, case_id: int) -> HttpResponse:
    staff = require_role(request, "triage")
    leases.case_escalate(staff=staff, case_id=case_id, reason=request.POST.get("reason", ""))
    return _back(request)
