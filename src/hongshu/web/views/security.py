"""Two-factor sign-in and the security page (/me/security): authenticator app, recovery codes, passkeys,
sessions and tokens. The rules live in hongshu.security; these views parse, call one function, render."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from hongshu.accounts.auth import request_token
from hongshu.accounts.devices import DEVICE_COOKIE, DEVICE_MAX_AGE, device_for_sign_in, device_token_issue
from hongshu.accounts.emails import sign_in_notice
from hongshu.accounts.models import ApiToken, User
from hongshu.accounts.services import token_revoke
from hongshu.core.errors import ProblemError, RateLimited
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.security import passkeys, sessions, totp
from hongshu.web.common import as_refusal, member_of

PENDING = "security_pending"  # the session key of a sign-in waiting for its second factor
PENDING_TTL = 300  # seconds
CHALLENGE = "security_challenge"


# ---- sign-in, second step ---------------------------------------------------------------------------------


def second_factor_needed(user: User) -> bool:
    return totp.has_second_factor(user=user)


def second_factor_pending(
    request: HttpRequest, *, user: User, next_url: str, device: str | None
) -> HttpResponse:
    """The password was right but the member has a second factor: remember who is signing in (for five
    minutes) without signing in, and ask for the second factor."""
    request.session.cycle_key()
    request.session[PENDING] = {"u": user.pk, "t": time.time(), "next": next_url, "d": device}
    return redirect("sign-in-verify")


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - float(data.get("t", 0)) > PENDING_TTL:
        request.session.pop(PENDING, None)
        return None
    user_id = data.get("u")
    user = User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None
    return (user, data) if user else None


def _rp(request: HttpRequest) -> tuple[str, str]:
    """The relying party ID (the host the browser shows, never an IP) and the expected origin."""
    host = request.get_host()  # checked against ALLOWED_HOSTS
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host, f"{request.scheme}://{host}"


def _complete(request: HttpRequest, user: User, data: dict[str, Any], response: HttpResponse) -> HttpResponse:
    """Sign in at last, and hand the browser its device token as a password-only sign-in does
    (hongshu.accounts.devices)."""
    request.session.pop(PENDING, None)
    request.session.pop(CHALLENGE, None)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    device = data.get("d")
    if not isinstance(device, str):  # a passwordless sign-in: is this browser one the account knows?
        device = device_for_sign_in(token=request.COOKIES.get(DEVICE_COOKIE), handle=user.handle)
    if device is None:  # email: a device never seen signing in to this account
        sign_in_notice(user=user, ip=client_ip(request), user_agent=request.headers.get("User-Agent", ""))
    response.set_cookie(
        DEVICE_COOKIE,
        device_token_issue(user=user, device_id=device),
        max_age=int(DEVICE_MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _next(data: dict[str, Any]) -> str:
    return str(data.get("next") or "/")


@require_http_methods(["GET", "POST"])
def sign_in_verify(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        messages.info(request, _("Please sign in again."))
        return redirect("sign-in")
    user, data = pending
    error, refused = "", None
    if request.method == "POST":
        try:
            rate_limit_hit("second_factor", member=user, ip=client_ip(request))
            totp.second_factor_verify(user=user, code=request.POST.get("code", "")[:64])
        except ProblemError as problem:
            error, refused = str(problem), problem if isinstance(problem, RateLimited) else None
        else:
            return _complete(request, user, data, redirect(_next(data)))
    context = {
        "error": error,
        "has_totp": totp.totp_confirmed(user=user) is not None,
        "has_passkey": bool(passkeys.passkeys_of(user=user)),
    }
    response = render(request, "web/sign_in_verify.html", context)
    return as_refusal(response, refused) if refused else response


@require_POST
def sign_in_passkey_options(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return JsonResponse({"error": str(_("Please sign in again."))}, status=401)
    rp_id, _origin = _rp(request)
    options, challenge = passkeys.passkey_authentication_options(user=pending[0], rp_id=rp_id)
    request.session[CHALLENGE] = challenge
    return HttpResponse(options, content_type="application/json")


@require_POST
def sign_in_passkey(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    challenge = request.session.pop(CHALLENGE, None)
    if pending is None or not challenge:
        return JsonResponse({"error": str(_("Please sign in again."))}, status=401)
    user, data = pending
    rp_id, origin = _rp(request)
    try:
        rate_limit_hit("second_factor", member=user, ip=client_ip(request))
        passkeys.passkey_authenticate(
            user=user,
            credential=_json(request).get("credential") or {},
            challenge=challenge,
            rp_id=rp_id,
            origin=origin,
        )
    except ProblemError as problem:
        return JsonResponse({"error": str(problem)}, status=problem.status)
    return _complete(request, user, data, JsonResponse({"redirect": _next(data)}))


@require_POST
def passwordless_options(request: HttpRequest) -> HttpResponse:
    """A passwordless sign-in with a passkey (discoverable credential, user verified): the options."""
    rp_id, _origin = _rp(request)
    options, challenge = passkeys.passkey_sign_in_options(rp_id=rp_id)
    request.session[CHALLENGE] = challenge
    return HttpResponse(options, content_type="application/json")


@require_POST
def passwordless_sign_in(request: HttpRequest) -> HttpResponse:
    challenge = request.session.pop(CHALLENGE, None)
    if not challenge:
        return JsonResponse({"error": str(_("Please try again."))}, status=400)
    rp_id, origin = _rp(request)
    body = _json(request)
    try:
        rate_limit_hit("sign_in", ip=client_ip(request))
        user = passkeys.passkey_sign_in(
            credential=body.get("credential") or {}, challenge=challenge, rp_id=rp_id, origin=origin
        )
    except ProblemError as problem:
        return JsonResponse({"error": str(problem)}, status=problem.status)
    target = str(body.get("next") or "/")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return _complete(
        request, user, {"next": target if safe else "/"}, JsonResponse({"redirect": target if safe else "/"})
    )


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# ---- the security page ------------------------------------------------------------------------------------


def _page(request: HttpRequest, **extra: Any) -> HttpResponse:
    member = member_of(request)
    pending = totp.totp_pending(user=member)
    context: dict[str, Any] = {
        "totp": totp.totp_confirmed(user=member),
        "recovery_left": totp.recovery_codes_left(user=member),
        "passkeys": passkeys.passkeys_of(user=member),
        "sessions": sessions.sessions_of(user=member),
        "current_session": sessions.digest_of_key(request.session.session_key),
        "tokens": sessions.tokens_of(user=member),
        **extra,
    }
    if pending is not None:
        uri = totp.totp_uri(device=pending, user=member)
        context.update(
            pending_secret=pending.secret, pending_uri=uri, qr=segno.make(uri).svg_data_uri(scale=4)
        )
    return render(request, "web/me/security.html", context)


@login_required
@require_http_methods(["GET"])
def security_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def totp_begin(request: HttpRequest) -> HttpResponse:
    try:
        totp.totp_begin(user=member_of(request))
    except ProblemError as problem:
        messages.error(request, str(problem))
    return redirect("me-security")


@login_required
@require_POST
def totp_confirm(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    try:
        rate_limit_hit("second_factor", member=member, ip=client_ip(request))
        codes = totp.totp_confirm(user=member, code=request.POST.get("code", "")[:64])
    except ProblemError as problem:
        return _page(request, totp_error=str(problem))
    return render(request, "web/me/recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    if not totp.has_second_factor(user=member):
        return redirect("me-security")
    return render(request, "web/me/recovery_codes.html", {"codes": totp.recovery_codes_issue(user=member)})


@login_required
@require_POST
def totp_disable(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    try:
        rate_limit_hit("second_factor", member=member, ip=client_ip(request))
        totp.totp_disable(
            user=member,
            password=request.POST.get("password", "")[:256],
            code=request.POST.get("code", "")[:64],
        )
    except ProblemError as problem:
        return _page(request, disable_error=str(problem))
    messages.success(request, _("The authenticator app is no longer needed to sign in."))
    return redirect("me-security")


@login_required
@require_POST
def passkey_options(request: HttpRequest) -> HttpResponse:
    rp_id, _origin = _rp(request)
    options, challenge = passkeys.passkey_registration_options(user=member_of(request), rp_id=rp_id)
    request.session[CHALLENGE] = challenge
    return HttpResponse(options, content_type="application/json")


@login_required
@require_POST
def passkey_register(request: HttpRequest) -> HttpResponse:
    challenge = request.session.pop(CHALLENGE, None)
    if not challenge:
        return JsonResponse({"error": str(_("Please try again."))}, status=400)
    body = _json(request)
    rp_id, origin = _rp(request)
    try:
        passkey = passkeys.passkey_register(
            user=member_of(request),
            credential=body.get("credential") or {},
            challenge=challenge,
            rp_id=rp_id,
            origin=origin,
            name=str(body.get("name") or "")[:64],
        )
    except ProblemError as problem:
        return JsonResponse({"error": str(problem)}, status=problem.status)
    return JsonResponse({"id": str(passkey.pk)}, status=201)


def _back_to_security_page(request: HttpRequest, remove: Callable[[User], object]) -> HttpResponse:
    """Remove one of the member's passkeys, sessions or tokens, then show the security page again (with the
    reason in the member's language when there was nothing to remove)."""
    try:
        remove(member_of(request))
    except ProblemError as problem:
        messages.error(request, str(problem))
    return redirect("me-security")


@login_required
@require_POST
def passkey_delete(request: HttpRequest, passkey_id: int) -> HttpResponse:
    return _back_to_security_page(
        request, lambda member: passkeys.passkey_delete(user=member, passkey_id=passkey_id)
    )


@login_required
@require_POST
def session_revoke(request: HttpRequest, session_id: int) -> HttpResponse:
    return _back_to_security_page(
        request, lambda member: sessions.session_revoke(user=member, session_id=session_id)
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    return _back_to_security_page(request, lambda member: token_revoke(user=member, token_id=token_id))


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    token = request_token(request)
    sessions.sign_out_everywhere(
        user=member_of(request),
        keep_session_key=request.session.session_key,
        keep_token_id=token.pk if isinstance(token, ApiToken) else None,
    )
    messages.success(request, _("Every other session and every token is signed out."))
    return redirect("me-security")
