"""The staff page of run-time settings: each setting with a form to change it (with a reason), the posture
history, and surge posture (sign-ups in the last hour against the threshold). Staff only."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from hongshu.accounts.models import User
from hongshu.accounts.roles import (
    ROLE_LABELS,
    STAFF_LANGUAGES,
    role_of,
    staff_profile_of,
    staff_profile_update,
)
from hongshu.core.errors import ProblemError
from hongshu.core.runtime import RUNTIME_SETTINGS, posture_history, runtime_all, runtime_set
from hongshu.members.surge import surge_overview
from hongshu.web.common import page_view, require_role

HISTORY_SHOWN = 50


def _staff(request: HttpRequest) -> User:
    return require_role(request, "admin")


def _parse(key: str, raw: str) -> Any:
    """A form's value as the setting's type: the choices travel JSON-encoded, other values as typed."""
    setting = RUNTIME_SETTINGS.get(key)
    if setting is None or setting.choices is not None or not isinstance(setting.default, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _rows() -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "value": value,
            "value_json": json.dumps(value),
            "description": RUNTIME_SETTINGS[key].description,
            "choices": [(json.dumps(c), c) for c in RUNTIME_SETTINGS[key].choices or ()],
        }
        for key, value in runtime_all().items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
@page_view
def staff_settings(request: HttpRequest) -> HttpResponse:
    member = _staff(request)
    error = None
    if request.method == "POST":
        key = request.POST.get("key", "")
        try:
            runtime_set(
                key=key,
                value=_parse(key, request.POST.get("value", "")),
                actor_id=member.pk,
                reason=request.POST.get("reason", ""),
            )
        except ProblemError as problem:
            error = problem
        else:
            messages.success(request, _("The setting was saved."))
            return redirect("staff-settings")
    history = posture_history(limit=HISTORY_SHOWN)
    actor_ids = {change.actor_id for change in history if change.actor_id is not None}
    handles = dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "handle"))
    context = {
        "rows": _rows(),
        "history": [
            (change, None if change.actor_id is None else handles.get(change.actor_id)) for change in history
        ],
        "surge": surge_overview(),
        "error": error,
    }
    return render(request, "web/staff/settings.html", context, status=422 if error else 200)


LANGUAGE_LABELS = {"zh": _("Chinese"), "en": _("English"), "other": _("Other languages")}


@login_required
@require_http_methods(["GET", "POST"])
@page_view
def staff_me(request: HttpRequest) -> HttpResponse:
    """Any staff role: declare the languages you read and whether you are on duty."""
    member = require_role(request, "triage")
    if request.method == "POST":
        staff_profile_update(
            staff=member,
            languages=[code for code in request.POST.getlist("languages") if code in STAFF_LANGUAGES],
            on_duty=request.POST.get("on_duty") == "on",
        )
        messages.success(request, _("Saved."))
        return redirect("staff-me")
    profile = staff_profile_of(staff=member)
    context = {
        "profile": profile,
        "role": ROLE_LABELS[role_of(member) or "triage"],
        "language_choices": [
            (code, LANGUAGE_LABELS[code], code in profile.languages) for code in STAFF_LANGUAGES
        ],
    }
    return render(request, "web/staff/me.html", context)
