"""The moderator console beyond the queue (issue 25 item 9): a case's photos, bulk mode and the surge
dashboard. The case page itself is `moderation.staff_case`. Everything works without script; the keyboard
shortcuts (static web/console.js) only click the links and buttons these pages already have."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from hongshu.core.errors import ProblemError
from hongshu.moderation import bulk, console, dashboard, selectors
from hongshu.moderation.models import Action
from hongshu.web.common import page_view, problem_page, require_role

CHART_HEIGHT = 100  # the SVG viewBox height of the columns


@login_required
@require_GET
def staff_case_media(request: HttpRequest, case_id: int, media_id: int) -> HttpResponseBase:
    """A photo of a note the case covers, to staff, whatever the note's state (never cached by others)."""
    try:
        staff = require_role(request, "triage")
        asset = console.case_media(staff=staff, case_id=case_id, media_id=media_id)
    except ProblemError as problem:
        return problem_page(request, problem)
    widths = sorted(asset.variants, key=int)
    if not widths:
        raise Http404
    key = asset.variants.get("720") or asset.variants[widths[-1]]
    try:
        stored = default_storage.open(key, "rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(stored, content_type="image/webp")
    response["Cache-Control"] = "private, no-store"
    return response


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 19]


def _bulk_context(staff: Any, data: Any) -> dict[str, Any]:
    ids = _ids(data.getlist("case"))[: bulk.BULK_MAX]
    items = console.cases_review(staff=staff, case_ids=ids)
    language = get_language() or "en"
    return {
        "items": items,
        "ids": ids,
        "operation": data.get("operation", ""),
        "operations": list(bulk.OPERATION_LABELS.items()),
        "kinds": data.getlist("kinds"),
        "rule": data.get("rule", ""),
        "facts": data.get("facts", ""),
        "note": data.get("note", ""),
        "duration_days": data.get("duration_days", "7"),
        "rules": [(r.code, r.title(language)) for r in selectors.rules_active()],
        "action_kinds": Action.Kind,
    }


@login_required
@page_view
@require_http_methods(["GET", "POST"])
def staff_cases_bulk(request: HttpRequest) -> HttpResponse:
    """GET: the chosen cases, each with its content and context, and the decision to confirm. POST: apply it
    to each (`moderation.bulk.cases_bulk`) and show each item's result."""
    staff = require_role(request, "moderator")
    if request.method == "GET":
        return render(request, "web/moderation/staff_bulk.html", _bulk_context(staff, request.GET))
    days = request.POST.get("duration_days", "")
    results = bulk.cases_bulk(
        staff=staff,
        case_ids=_ids(request.POST.getlist("case")),
        operation=request.POST.get("operation", ""),
        kinds=request.POST.getlist("kinds"),
        rule_code=request.POST.get("rule", ""),
        facts=request.POST.get("facts", ""),
        duration_days=int(days) if days.isascii() and days.isdigit() and len(days) < 6 else None,
        note=request.POST.get("note", ""),
        ignore_until_edited=request.POST.get("ignore_until_edited") == "on",
    )
    operation = request.POST.get("operation", "")
    context = {"results": results, "operation": bulk.OPERATION_LABELS.get(operation, operation)}
    return render(request, "web/moderation/staff_bulk_done.html", context)


def _columns(values: list[int]) -> tuple[int, list[tuple[int, int, int]]]:
    """(top, [(x, y, height)]) of a column chart drawn in a 10-unit-per-column, CHART_HEIGHT-tall viewBox."""
    top = max(values, default=0)
    columns = []
    for i, n in enumerate(values):
        height = round(CHART_HEIGHT * n / top) if top else 0
        columns.append((i * 10, CHART_HEIGHT - height, height))
    return top, columns


def _bars(rows: list[tuple[str, float, str]]) -> list[tuple[str, str, int]]:
    """(label, value as shown, bar width in 0..100) for a horizontal bar chart, as /transparency draws them."""
    top = max((v for _label, v, _text in rows), default=0)
    return [(label, text, round(100 * v / top) if top else 0) for label, v, text in rows]


@login_required
@page_view
@require_GET
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    """The surge dashboard: the same numbers as GET /api/v1/staff/dashboard, drawn as SVG on the server."""
    board = dashboard.surge_dashboard(staff=require_role(request, "triage"))
    top, columns = _columns([n for _hour, n in board.signups])
    signups = [
        (hour, n, x, y, height) for (hour, n), (x, y, height) in zip(board.signups, columns, strict=True)
    ]
    loads = board.languages
    names = {"zh": _("Chinese"), "en": _("English"), "other": _("Other languages")}
    # A backlog nobody is clearing is drawn at the longest bar, and labelled so.
    finite = [load.hours_to_clear for load in loads if load.hours_to_clear is not None]
    longest = max(finite, default=0.0) or 1.0

    def clear_text(hours: float | None) -> str:
        if hours == 0:
            return str(pgettext_lazy("a backlog", "clear"))
        if hours is None:
            return str(_("not at this rate"))
        return str(_("%(h)s h") % {"h": formats.number_format(hours, 1)})

    charts = [
        (
            "backlog",
            _("Open cases per language"),
            _bars([(str(names[x.language]), float(x.backlog), str(x.backlog)) for x in loads]),
        ),
        (
            "on-duty",
            _("Staff on duty per language"),
            _bars([(str(names[x.language]), float(x.on_duty), str(x.on_duty)) for x in loads]),
        ),
        (
            "rate",
            _("Decisions per hour per language"),
            _bars(
                [
                    (str(names[x.language]), x.rate_per_hour, formats.number_format(x.rate_per_hour, 2))
                    for x in loads
                ]
            ),
        ),
        (
            "clear",
            _("Projected time to clear each backlog"),
            _bars(
                [
                    (
                        str(names[x.language]),
                        x.hours_to_clear if x.hours_to_clear is not None else longest,
                        clear_text(x.hours_to_clear),
                    )
                    for x in loads
                ]
            ),
        ),
    ]
    context = {
        "board": board,
        "signups": signups,
        "signups_top": top,
        "signups_width": len(signups) * 10,
        "chart_height": CHART_HEIGHT,
        "charts": charts,
        "names": names,
    }
    return render(request, "web/moderation/staff_dashboard.html", context)
