"""The community guidelines (/rules, for everyone) and the staff pages of the screening catalogue: rules with
their versions, the lexicons and the domain rules, and the moderation event log. A refused form comes back with
what was typed in it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hongshu.accounts.models import User
from hongshu.core.audit import audit_page, audit_verify
from hongshu.core.errors import ProblemError
from hongshu.screening import catalog, selectors
from hongshu.screening.models import Action, DomainRule, Severity
from hongshu.web.common import page_view, require_role

RULE_FIELDS = ("severity", "title_en", "title_zh", "text_en", "text_zh")


def _staff(request: HttpRequest) -> User:
    return require_role(request, "admin")


def _field_of(problem: ProblemError) -> str:
    errors = problem.extra.get("errors") or [{}]
    return str(errors[0].get("field", ""))


def _severity(raw: str) -> int:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else 0


def _common() -> dict[str, Any]:
    return {
        "severities": [
            (Severity.LOW, _("1 · low")),
            (Severity.MEDIUM, _("2 · medium")),
            (Severity.HIGH, _("3 · high")),
            (Severity.CRITICAL, _("4 · critical")),
        ],
        "actions": [(Action.HOLD, _("hold for review")), (Action.REJECT, _("reject"))],
        "term_languages": [("zh", _("Chinese")), ("en", _("English")), ("*", _("Any language"))],
    }


@require_GET
def guidelines(request: HttpRequest) -> HttpResponse:
    """The rules in force, in both languages: the one the reader reads first, then the other."""
    return render(request, "web/rules.html", {"rules": selectors.rules_active()})


@login_required
@require_http_methods(["GET", "POST"])
@page_view
def staff_rules(request: HttpRequest) -> HttpResponse:
    member = _staff(request)
    error, error_field, new, edit = None, "", {}, {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in ("code", *RULE_FIELDS)}
        active = request.POST.get("active") == "on"
        try:
            if request.POST.get("op") == "create":
                new = {**values, "active": active}
                rule = catalog.rule_create(
                    actor=member,
                    code=values["code"],
                    severity=_severity(values["severity"]),
                    title_en=values["title_en"],
                    title_zh=values["title_zh"],
                    text_en=values["text_en"],
                    text_zh=values["text_zh"],
                    active=active,
                )
                messages.success(request, _("The rule %(code)s was added.") % {"code": rule.code})
            else:
                edit = {**values, "active": active}
                rule = catalog.rule_update(
                    actor=member,
                    code=values["code"],
                    severity=_severity(values["severity"]),
                    title_en=values["title_en"],
                    title_zh=values["title_zh"],
                    text_en=values["text_en"],
                    text_zh=values["text_zh"],
                    active=active,
                )
                messages.success(
                    request,
                    _("The rule %(code)s was saved; it is at version %(version)s.")
                    % {"code": rule.code, "version": rule.version},
                )
        except ProblemError as problem:
            error, error_field = problem, _field_of(problem)
        else:
            return redirect(f"{request.path}#rule-{rule.code}")
    rows = []
    for rule in selectors.rules_with_versions():
        shown = {name: str(getattr(rule, name)) for name in ("code", *RULE_FIELDS)} | {"active": rule.active}
        rows.append((rule, edit if edit.get("code") == rule.code else shown))
    context = {
        **_common(),
        "rows": rows,
        "error": error,
        "error_field": error_field,
        "new": new or {"severity": str(int(Severity.MEDIUM)), "active": True},
    }
    return render(request, "web/staff/rules.html", context, status=error.status if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
@page_view
def staff_lexicon(request: HttpRequest) -> HttpResponse:
    member = _staff(request)
    error, error_field = None, ""
    typed: dict[str, Any] = {}
    if request.method == "POST":
        typed = {name: request.POST.get(name, "") for name in ("language", "text", "rule", "action")}
        typed["shadow"] = request.POST.get("shadow") == "on"
        try:
            term = catalog.term_add(
                actor=member,
                language=typed["language"],
                text=typed["text"],
                rule_code=typed["rule"],
                action=typed["action"] or Action.HOLD,
                shadow=typed["shadow"],
            )
        except ProblemError as problem:
            error, error_field = problem, _field_of(problem)
        else:
            messages.success(request, _("“%(text)s” was listed.") % {"text": term.text})
            return redirect("staff-lexicon")
    filters = {name: request.GET.get(name, "")[:200] for name in ("language", "rule", "q")}
    if filters["language"] not in catalog.LANGUAGES:
        filters["language"] = ""
    page = selectors.terms_page(
        language=filters["language"],
        rule_code=filters["rule"],
        q=filters["q"],
        cursor=request.GET.get("cursor") or None,
    )
    context = {
        **_common(),
        "rules": selectors.rules_all(),
        "page": page,
        "filters": filters,
        "total": selectors.terms_count(),
        "error": error,
        "error_field": error_field,
        "typed": typed,
    }
    return render(request, "web/staff/lexicon.html", context, status=error.status if error else 200)


def _back_to_lexicon(request: HttpRequest) -> HttpResponse:
    # Back to the list the button was pressed on (its filters travel in `next`; only our own path).
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/staff/lexicon") else "staff-lexicon")


@login_required
@require_POST
@page_view
def staff_term_remove(request: HttpRequest, term_id: int) -> HttpResponse:
    catalog.term_remove(actor=_staff(request), term_id=term_id)
    messages.success(request, _("The term was removed."))
    return _back_to_lexicon(request)


@login_required
@require_POST
@page_view
def staff_term_update(request: HttpRequest, term_id: int) -> HttpResponse:
    shadow = request.POST.get("shadow")
    action = request.POST.get("action") or None
    catalog.term_update(
        actor=_staff(request),
        term_id=term_id,
        shadow=None if shadow is None else shadow == "on",
        action=action,
    )
    messages.success(request, _("The term was saved."))
    return _back_to_lexicon(request)


@login_required
@require_http_methods(["GET", "POST"])
@page_view
def staff_domains(request: HttpRequest) -> HttpResponse:
    member = _staff(request)
    error, error_field = None, ""
    typed: dict[str, Any] = {}
    if request.method == "POST":
        typed = {name: request.POST.get(name, "") for name in ("domain", "verdict", "rule", "action")}
        typed["shadow"] = request.POST.get("shadow") == "on"
        try:
            row = catalog.domain_rule_add(
                actor=member,
                domain=typed["domain"],
                verdict=typed["verdict"],
                rule_code=typed["rule"],
                action=typed["action"] or Action.HOLD,
                shadow=typed["shadow"],
            )
        except ProblemError as problem:
            error, error_field = problem, _field_of(problem)
        else:
            messages.success(request, _("The rule for %(domain)s was added.") % {"domain": row.domain})
            return redirect("staff-domains")
    context = {
        **_common(),
        "rules": selectors.rules_all(),
        "verdicts": [(DomainRule.Verdict.DENY, _("deny")), (DomainRule.Verdict.ALLOW, _("allow"))],
        "domains": selectors.domain_rules(),
        "error": error,
        "error_field": error_field,
        "typed": typed,
    }
    return render(request, "web/staff/domains.html", context, status=error.status if error else 200)


@login_required
@require_POST
@page_view
def staff_domain_remove(request: HttpRequest, domain_rule_id: int) -> HttpResponse:
    catalog.domain_rule_remove(actor=_staff(request), domain_rule_id=domain_rule_id)
    messages.success(request, _("The domain rule was removed."))
    return redirect("staff-domains")


@login_required
@require_GET
@page_view
def staff_audit(request: HttpRequest) -> HttpResponse:
    """The event log, newest first; the chain is verified only when asked (it reads the whole log)."""
    _staff(request)
    filters = {"subject": request.GET.get("subject", "")[:64], "kind": request.GET.get("kind", "")[:48]}
    page = audit_page(
        subject=filters["subject"], kind=filters["kind"], cursor=request.GET.get("cursor") or None
    )
    actor_ids = {event.actor_id for event in page.items if event.actor_id is not None}
    handles = dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "handle"))
    verified = audit_verify() if request.GET.get("verify") else None
    context = {
        "events": [(event, handles.get(event.actor_id) if event.actor_id else None) for event in page.items],
        "next_cursor": page.next_cursor,
        "filters": filters,
        "verified": verified,
    }
    return render(request, "web/staff/audit.html", context)
