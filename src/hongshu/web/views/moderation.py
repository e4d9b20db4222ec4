"""Reporting (members): the report sheet of a note, a comment or a member and the member's reports; the staff's
queue of cases with claim, decide and close. The sheet is its own page, reached by a link on every note,
comment and profile: it works without script and costs the pages that link to it no query."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from hongshu.accounts.models import User
from hongshu.accounts.roles import Role
from hongshu.core.errors import ProblemError
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.language.translation.service import target_for
from hongshu.moderation import actions, bulk, console, selectors, services
from hongshu.moderation.models import Action, Case
from hongshu.moderation.transparency import transparency_report
from hongshu.web.common import member_of, page_view, require_role, with_problem_headers
from hongshu.web.views import appeals as appeal_views


def _sheet_context(request: HttpRequest, subject: selectors.Subject, **extra: Any) -> dict[str, Any]:
    language = get_language() or "en"
    rules = [
        {"code": r.code, "title": r.title(language), "text": r.text(language)}
        for r in selectors.rules_active()
    ]
    return {"subject": subject, "rules": rules, **extra}


@login_required
@page_view
@require_http_methods(["GET", "POST"])
def report_sheet(request: HttpRequest, subject_type: str, subject_id: int) -> HttpResponse:
    member = member_of(request)
    subject = selectors.report_subject(reporter=member, subject_type=subject_type, subject_id=subject_id)
    if request.method == "GET":
        return render(
            request, "web/moderation/report.html", _sheet_context(request, subject, chosen="", text="")
        )
    chosen, text = request.POST.get("rule", ""), request.POST.get("text", "")
    try:
        rate_limit_hit("report", member=member, ip=client_ip(request))
        services.report_create(
            reporter=member,
            subject_type=subject.type,
            subject_id=subject.id,
            rule_code=chosen,
            text=text,
            language=get_language() or "en",
        )
    except ProblemError as problem:  # keep what was typed
        context = _sheet_context(request, subject, chosen=chosen, text=text, error=problem)
        response = render(request, "web/moderation/report.html", context, status=problem.status)
        return with_problem_headers(response, problem)
    return render(request, "web/moderation/report_sent.html", {"subject": subject})


@login_required
@page_view
@require_http_methods(["GET"])
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = selectors.reports_of(member=member_of(request))
    language = get_language() or "en"
    titles = {rule.code: rule.title(language) for rule in selectors.rules_active()}
    rows = [(report, titles.get(report.rule_code, report.rule_code)) for report in reports]
    return render(request, "web/moderation/my_reports.html", {"rows": rows})


@login_required
@page_view
@require_http_methods(["GET"])
def my_decisions(request: HttpRequest) -> HttpResponse:
    """The member's own decisions: each statement of reasons in their interface language, with its appeal."""
    return appeal_views.decisions(request)


def _staff(request: HttpRequest, role: Role = "triage") -> User:
    return require_role(request, role)


@login_required
@page_view
@require_http_methods(["GET"])
def staff_cases(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    state = request.GET.get("state", "")
    source = request.GET.get("source", "")
    language = request.GET.get("language", "")[:16]
    rows = selectors.cases_queue(
        staff=staff,
        states=[state] if state in Case.State.values else None,
        source=source if source in Case.Source.values else None,
        language=language or None,
    )
    context = {
        "rows": rows,
        "state": state,
        "source": source,
        "language": language,
        "states": Case.State,
        "sources": Case.Source,
        "bulk_operations": list(bulk.OPERATION_LABELS.items()),
    }
    return render(request, "web/moderation/staff_cases.html", context)


@login_required
@page_view
@require_http_methods(["GET"])
def staff_case(request: HttpRequest, case_id: int) -> HttpResponse:
    staff = _staff(request)
    language = get_language() or "en"
    translate = request.GET.get("translate") == "1"
    view = console.case_console(
        staff=staff, case_id=case_id, translate_to=target_for(language) if translate else None
    )
    detail = view.detail
    rules = [(r.code, r.title(language)) for r in selectors.rules_active()]
    context = {
        "view": view,
        "translate": translate,
        "glosses": [view.translation.title_gloss, view.translation.gloss] if view.translation else [],
        "detail": detail,
        "case": detail.row.case,
        "actions": actions.actions_list(staff=staff, case_id=case_id),
        "action_kinds": Action.Kind,
        "rules": rules,
        "rule_title": dict(rules).get(detail.row.case.rule_code, ""),
    }
    return render(request, "web/moderation/staff_case.html", context)


@login_required
@page_view
@require_POST
def staff_case_act(request: HttpRequest, case_id: int) -> HttpResponse:
    """Take actions on the case's subject (the case is decided upheld when still open)."""
    staff = _staff(request, "moderator")
    case = selectors.case_detail(staff=staff, case_id=case_id).row.case
    days = request.POST.get("duration_days", "")
    actions.act(
        staff=staff,
        subject_type=case.subject_type,
        subject_id=case.subject_id,
        kinds=request.POST.getlist("kinds"),
        rule_code=request.POST.get("rule", "") or case.rule_code,
        facts=request.POST.get("facts", ""),
        duration_days=int(days) if days.isdigit() else None,
        case_id=case.pk,
    )
    return redirect("staff-case", case_id=case_id)


@login_required
@page_view
@require_POST
def staff_action_revert(request: HttpRequest, action_id: int) -> HttpResponse:
    action = actions.action_revert(staff=_staff(request, "moderator"), action_id=action_id)
    return redirect("staff-case", case_id=action.case_id) if action.case_id else redirect("staff-cases")


@login_required
@page_view
@require_POST
def staff_case_claim(request: HttpRequest, case_id: int) -> HttpResponse:
    services.case_claim(staff=_staff(request), case_id=case_id)
    return redirect("staff-case", case_id=case_id)


@login_required
@page_view
@require_POST
def staff_case_decide(request: HttpRequest, case_id: int) -> HttpResponse:
    services.case_decide(
        staff=_staff(request, "moderator"),
        case_id=case_id,
        decision=request.POST.get("decision", ""),
        ignore_until_edited=request.POST.get("ignore_until_edited") == "on",
        note=request.POST.get("note", ""),
    )
    return redirect("staff-case", case_id=case_id)


@login_required
@page_view
@require_POST
def staff_case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    services.case_close(staff=_staff(request, "moderator"), case_id=case_id)
    return redirect("staff-cases")


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None  # a malformed date is the default period, not an error page


def _bars(counts: dict[str, int]) -> list[tuple[str, int, int]]:
    """(label, count, bar width in 0..100) for a horizontal bar chart drawn as SVG."""
    top = max(counts.values(), default=0)
    return [(label or "—", n, round(100 * n / top) if top else 0) for label, n in counts.items()]


@page_view
@require_http_methods(["GET"])
def transparency(request: HttpRequest) -> HttpResponse:
    """The public transparency report (the same numbers as GET /api/v1/transparency, and its CSV)."""
    report = transparency_report(start=_day(request.GET.get("start")), end=_day(request.GET.get("end")))
    language = get_language() or "en"
    titles = {rule.code: rule.title(language) for rule in selectors.rules_active()}
    series = [
        (_("Decisions by rule"), _bars({titles.get(k, k): n for k, n in report.totals("rule").items()})),
        (_("Decisions by outcome"), _bars(report.totals("decision"))),
        (_("Decisions by detection"), _bars(report.totals("detection"))),
        (_("Decisions by language of the content"), _bars(report.totals("language"))),
        (_("Reports received by language"), _bars(report.reports_received)),
        (
            _("Appeals filed by rule"),
            _bars({titles.get(a.rule, a.rule): a.filed for a in report.appeals if a.filed}),
        ),
    ]
    charts = [
        (title, bars, len(bars) * 10, len(bars) * 22) for title, bars in series
    ]  # SVG viewBox and px heights
    query = f"start={report.start.isoformat()}&end={report.end.isoformat()}"
    appeal_rows = [(titles.get(a.rule, a.rule), a) for a in report.appeals]
    context = {
        "report": report,
        "charts": charts,
        "titles": titles,
        "query": query,
        "appeal_rows": appeal_rows,
    }
    return render(request, "web/moderation/transparency.html", context)
