"""The name studio page: suggestions for the member's Latin-script name, pick one, or clear it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from hongshu.accounts.services import member_set_chinese_name
from hongshu.core.errors import ProblemError
from hongshu.textlib.names import names_suggest
from hongshu.web.common import member_of


@login_required
@require_http_methods(["GET", "POST"])
def chinese_name(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    error = ""
    if request.method == "POST":
        chosen = "" if request.POST.get("action") == "clear" else request.POST.get("chinese_name", "")
        try:
            member_set_chinese_name(member=member, name=chosen)
        except ProblemError as problem:
            error = str(problem.detail)
        else:
            messages.success(
                request, _("Your Chinese name is saved.") if chosen else _("Your Chinese name is cleared.")
            )
            return redirect("me-chinese-name")
    latin = request.GET.get("name", member.display_name)[:60]
    context = {"latin": latin, "suggestions": names_suggest(name=latin), "current": member.chinese_name}
    return render(
        request, "language/names/studio.html", context | {"error": error}, status=422 if error else 200
    )
