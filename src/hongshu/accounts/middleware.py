"""Bearer-token authentication for the API, beside Django's session cookies for the web."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from hongshu.accounts.models import User
from hongshu.accounts.services import token_authenticate
from hongshu.core.errors import NotAuthenticated


class BearerTokenMiddleware:
    """Runs after AuthenticationMiddleware and before CsrfViewMiddleware checks the view.

    A valid token authenticates the request by itself: `request.user` is its member whatever session cookie
    came along, and CSRF does not apply (a cross-site form cannot attach a header with the secret). A token
    that is not valid (unknown, revoked, expired) changes nothing: the API answers 401 for it
    (`hongshu.accounts.auth.request_user`) and pages keep the cookie's member with CSRF checks, so a made-up
    header can never switch CSRF off.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            try:
                token = token_authenticate(secret=header[7:].strip())
            except NotAuthenticated as refused:
                request.bad_token = refused  # type: ignore[attr-defined]
            else:
                member = token.user
                request.api_token = token  # type: ignore[attr-defined]
                request.user = member
                request.auser = _constant(member)
                request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)


def _constant(member: User) -> Callable[[], Awaitable[User | AnonymousUser]]:
    async def auser() -> User | AnonymousUser:
        return member

    return auser
