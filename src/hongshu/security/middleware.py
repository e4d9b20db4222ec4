"""Keeps `MemberSession` rows in step with the signed-in web sessions, and ends revoked ones."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from hongshu.accounts.models import User
from hongshu.core.ratelimit import client_ip
from hongshu.security.models import MemberSession
from hongshu.security.sessions import session_forget, session_seen, session_touch

# The session remembers the digest its row was written under: a session carrying it whose row is gone was
# revoked (a session without it predates the index, or has just signed in, and gets a row).
MARK = "_security_row"


def _session_member(request: HttpRequest) -> User | None:
    if getattr(request, "api_token", None) is not None:  # a bearer token: no session involved
        return None
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


class SessionIndexMiddleware:
    """After AuthenticationMiddleware and BearerTokenMiddleware. One indexed lookup per signed-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        before = self._check(request)
        response = self.get_response(request)
        self._record(request, before)
        return response

    def _check(self, request: HttpRequest) -> str | None:
        member = _session_member(request)
        key = request.session.session_key
        if member is None or not key:
            return None
        digest = MemberSession.digest_of(key)
        row = MemberSession.objects.filter(key_digest=digest, user=member).first()
        if row is None:
            if request.session.get(MARK) == digest:  # revoked: end it in the session store too
                logout(request)
                return None
            return key
        session_touch(row=row, ip=client_ip(request))
        return key

    def _record(self, request: HttpRequest, before: str | None) -> None:
        member = _session_member(request)
        key = request.session.session_key if hasattr(request, "session") else None
        if before and before != key:  # signed out, or the key was cycled at sign-in
            session_forget(session_key=before)
        if member is None or not key:
            return
        digest = MemberSession.digest_of(key)
        if request.session.get(MARK) != digest:  # a session from before the index, or signed in elsewhere
            session_seen(
                user=member,
                session_key=key,
                user_agent=request.headers.get("User-Agent", ""),
                ip=client_ip(request),
            )
            request.session[MARK] = digest


def record_sign_in(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    """`user_logged_in` receiver: index the session as it signs in. Every way in calls `login()` (the sign-in
    form, the second-factor step, sign-up, the admin, tests' `force_login`), so no path is missed and the
    first page after signing in costs no extra writes; the middleware above covers the rest."""
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    if request is None or session is None or not key or not isinstance(user, User):
        return
    session_seen(
        user=user, session_key=key, user_agent=request.headers.get("User-Agent", ""), ip=client_ip(request)
    )
    session[MARK] = MemberSession.digest_of(key)
