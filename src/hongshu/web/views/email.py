"""Email pages: verifying an address, the settings form for it, password reset by email."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from hongshu.accounts import emails
from hongshu.accounts.models import User
from hongshu.core.errors import ProblemError, RateLimited
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.web.common import as_refusal, member_of, viewer_of
from hongshu.web.forms_email import EmailForm, PasswordResetConfirmForm, PasswordResetForm


@require_http_methods(["GET"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Open a verification link, signed in or not (the token is the proof); signed in as someone else, no."""
    try:
        emails.email_verify(token=token, user=viewer_of(request))
    except ProblemError as problem:
        return render(request, "web/email/verify.html", {"error": str(problem)}, status=problem.status)
    return render(request, "web/email/verify.html", {"error": None})


def email_save(request: HttpRequest, member: User) -> tuple[EmailForm | None, HttpResponse | None]:
    """The settings page's email form (`action=email`); a form with errors, or a redirect."""
    form = EmailForm(request.POST)
    if form.is_valid():
        try:
            emails.email_change(
                user=member, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except ProblemError as problem:
            form.add_problem(problem)
        else:
            messages.success(request, _("Your email address is saved. Open the link we mailed to it."))
            return None, redirect("me-settings")
    return form, None


@login_required
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    try:
        rate_limit_hit("email_verification", member=member, ip=client_ip(request))
        emails.email_verification_resend(user=member)
    except ProblemError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, _("A new link is on its way."))
    return redirect("me-settings")


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login = form.cleaned_data["login"]
        try:
            rate_limit_hit("password_reset", ip=client_ip(request), account=login)
            emails.password_reset_request(login=login)
        except RateLimited as problem:
            form.add_error(None, str(problem))
            response = render(request, "web/email/password_reset.html", {"form": form})
            return as_refusal(response, problem)
        except ProblemError as problem:
            form.add_problem(problem)
        else:
            return render(request, "web/email/password_reset.html", {"sent": emails.PASSWORD_RESET_SENT})
    status = 422 if form.errors else 200
    return render(request, "web/email/password_reset.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        emails.password_reset_user(uid=uidb64, token=token)
    except ProblemError as problem:
        context = {"error": str(problem)}
        return render(request, "web/email/password_reset_confirm.html", context, status=problem.status)
    form = PasswordResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            emails.password_reset_confirm(
                uid=uidb64, token=token, new_password=form.cleaned_data["new_password"]
            )
        except ProblemError as problem:
            form.add_problem(problem)
        else:
            messages.success(request, _("Your password is changed. Sign in with it."))
            return redirect("sign-in")
    status = 422 if form.errors else 200
    return render(request, "web/email/password_reset_confirm.html", {"form": form}, status=status)
