"""Signing up, in and out."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from hongshu.accounts.devices import (
    DEVICE_COOKIE,
    DEVICE_MAX_AGE,
    device_for_sign_in,
    device_token_issue,
    sign_in_allow,
    sign_in_failed,
)
from hongshu.accounts.emails import sign_in_notice
from hongshu.accounts.models import User
from hongshu.core.errors import Busy, ProblemError, RateLimited
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.members.surge import signup_recorded
from hongshu.moderation.actions import barred_sign_in_refusal
from hongshu.registration import registration_mode_for
from hongshu.registration.services import application_sign_in_refusal, registration_sign_up
from hongshu.web.common import as_refusal
from hongshu.web.forms import SignInForm, SignUpForm
from hongshu.web.views.security import second_factor_needed, second_factor_pending

# Interface language (Django's code) -> the language a new member reads (BCP 47, as the API uses).
_READS = {"zh-hans": "zh-Hans", "en": "en"}


def _remember_device(response: HttpResponse, *, user: User, device: str | None = None) -> HttpResponse:
    """Hand the browser this account's device token (hongshu.accounts.devices), renewing a known one."""
    response.set_cookie(
        DEVICE_COOKIE,
        device_token_issue(user=user, device_id=device),
        max_age=int(DEVICE_MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest, invite_code: str = "") -> HttpResponse:
    """The sign-up form of the registration mode in force (hongshu.registration): open, approval (the form
    asks why, and the account waits for an admin), invite (the form asks for the code) or closed."""
    ip = client_ip(request)
    mode = registration_mode_for(ip=ip or "")
    if mode == "closed":
        status = 403 if request.method == "POST" else 200
        return render(request, "web/sign_up_closed.html", status=status)
    form = SignUpForm(request.POST or None, mode=mode, invite_code=invite_code)
    refused: ProblemError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_hit("sign_up", ip=ip)
            result = registration_sign_up(
                mode=mode,
                handle=form.cleaned_data["handle"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                languages=[_READS.get(get_language() or "", "en")],
                email=form.cleaned_data["email"],
                reason=form.cleaned_data.get("reason") or "",
                invite_code=form.cleaned_data.get("invite_code") or "",
                language=get_language() or "en",
            )
            signup_recorded(user_id=result.user.pk, ip=ip)
        except ProblemError as problem:
            form.add_problem(problem)
            refused = problem if isinstance(problem, RateLimited | Busy) else None
        else:
            if result.application is not None:
                return render(request, "web/application_sent.html", {"application": result.application})
            login(request, result.user, backend=settings.AUTHENTICATION_BACKENDS[0])
            # newcomers pick interests (stored; Explore reads none yet)
            return _remember_device(redirect("me-interests"), user=result.user)
    context = {"form": form, "next": _next_url(request), "mode": mode, "invite_code": invite_code}
    response = render(request, "web/sign_up.html", context)
    return as_refusal(response, refused) if refused else response


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    """An invite link: the sign-up form with the code filled in (checked when the form is sent)."""
    return sign_up(request, invite_code=code)


def _application_refusal(form: SignInForm) -> ProblemError | None:
    """An applicant's, or a suspended or banned member's, refusal (only with the right password)."""
    credentials = {"handle": form.cleaned_data["handle"], "password": form.cleaned_data["password"]}
    return application_sign_in_refusal(**credentials) or barred_sign_in_refusal(**credentials)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    refused: ProblemError | None = None
    waiting: ProblemError | None = None
    if request.method == "POST" and form.is_valid():
        handle = form.cleaned_data["handle"].strip().lstrip("@")
        ip = client_ip(request)
        device = device_for_sign_in(token=request.COOKIES.get(DEVICE_COOKIE), handle=handle)
        try:
            sign_in_allow(ip=ip, handle=handle, device=device)
            user = authenticate(request, username=handle, password=form.cleaned_data["password"])
        except (RateLimited, Busy) as problem:
            form.add_error(None, str(problem))
            refused = problem
        else:
            # An applicant with the right password learns where their application stands; anyone else, nothing.
            waiting = None if isinstance(user, User) else _application_refusal(form)
            if waiting is not None:
                form.add_error(None, str(waiting))
            elif not isinstance(user, User):
                sign_in_failed(ip=ip, handle=handle, device=device)
                form.add_error(None, _("The handle or password is not correct."))
            elif second_factor_needed(user):  # two-factor: /sign-in/verify (web/views/security.py)
                return second_factor_pending(request, user=user, next_url=_next_url(request), device=device)
            else:
                login(request, user)
                if device is None:  # email: a device never seen signing in to this account
                    sign_in_notice(user=user, ip=ip, user_agent=request.headers.get("User-Agent", ""))
                return _remember_device(redirect(_next_url(request)), user=user, device=device)
    barred = waiting is not None and waiting.code in {"account_suspended", "account_banned"}  # -> /appeal
    context = {"form": form, "next": _next_url(request), "barred": barred}
    response = render(request, "web/sign_in.html", context)
    return as_refusal(response, refused) if refused else response


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    # Signing out changes state, so it takes a POST with a CSRF token; GET only asks to confirm.
    if request.method == "POST":
        logout(request)
        return redirect("home")
    return render(request, "web/sign_out.html")
