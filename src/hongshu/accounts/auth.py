"""Who is asking: a bearer token (API clients) or a session cookie (the web app, CSRF-checked)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from hongshu.accounts.models import ApiToken, User
from hongshu.accounts.roles import Role, require_role
from hongshu.core.errors import Forbidden, NotAuthenticated

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def request_user(request: HttpRequest) -> User | None:
    """The signed-in member or None. A presented token that is not valid is an error (401), never anonymous,
    and never falls back to the session cookie."""
    refused = getattr(request, "bad_token", None)
    if isinstance(refused, NotAuthenticated):
        raise refused
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


class MemberAuth(AuthBase):
    """Ninja auth for endpoints that need a member; documented in OpenAPI as bearer auth."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        user = request_user(request)
        if user is None:
            raise NotAuthenticated
        if (
            request_token(request) is None
            and request.method not in _SAFE_METHODS
            and check_csrf(request) is not None
        ):
            raise Forbidden(code="csrf_failed")
        return user


member_auth = MemberAuth()


def request_token(request: HttpRequest) -> ApiToken | None:
    """The valid bearer token the request is authenticated by; None for a session cookie (or no one)."""
    token = getattr(request, "api_token", None)
    return token if isinstance(token, ApiToken) else None


def current_member(request: HttpRequest) -> User:
    """The member of an endpoint guarded by `member_auth`."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class StaffAuth(MemberAuth):
    """A member holding at least `role` (hongshu.accounts.roles): others get 403 — `not_staff` for members,
    `role_required` for staff whose role is lower."""

    def __init__(self, role: Role = "triage") -> None:
        super().__init__()
        self.role: Role = role

    def __call__(self, request: HttpRequest) -> Any:
        user = super().__call__(request)
        require_role(user, self.role)
        return user


# Any staff role; then the lowest role each kind of staff operation needs (the map is in docs/roles.md).
staff_auth = StaffAuth("triage")
triage_auth = staff_auth
moderator_auth = StaffAuth("moderator")
admin_auth = StaffAuth("admin")
