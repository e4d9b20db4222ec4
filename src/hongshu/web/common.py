"""The one request-helper module of the HTML views: who is reading, and how a refusal is shown (a page or an
htmx fragment). Pages for members only use Django's `login_required`, which sends visitors to
`settings.LOGIN_URL` (the sign-in page) and back with `?next=`."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from hongshu.accounts import roles
from hongshu.accounts.models import User
from hongshu.accounts.roles import Role
from hongshu.core.errors import NotAuthenticated, NotFound, ProblemError


def viewer_of(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def member_of(request: HttpRequest) -> User:
    """The signed-in member, or NotAuthenticated (shown as a fragment or page by the caller)."""
    member = viewer_of(request)
    if member is None:
        raise NotAuthenticated(_("Sign in to do that."), code="not_authenticated")
    return member


def require_role(request: HttpRequest, role: Role) -> User:
    """The signed-in staff member holding at least `role` (hongshu.accounts.roles), or 401/403 as a problem."""
    member = member_of(request)
    roles.require_role(member, role)
    return member


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def with_problem_headers(response: HttpResponse, problem: ProblemError) -> HttpResponse:
    """The problem's HTTP headers (a 429's Retry-After and RateLimit-*) on a page or fragment answering it."""
    for name, value in problem.headers.items():
        response[name] = value
    return response


def as_refusal(response: HttpResponse, problem: ProblemError) -> HttpResponse:
    """A form page shown again with `problem` among its errors, answering with the problem's status and
    headers (a 429 keeps what the member typed, and says when to try again)."""
    response.status_code = problem.status
    return with_problem_headers(response, problem)


def problem_page(request: HttpRequest, problem: ProblemError) -> HttpResponse:
    status = 404 if isinstance(problem, NotFound) else problem.status
    response = render(request, "web/problem.html", {"problem": problem}, status=status)
    return with_problem_headers(response, problem)


def problem_fragment(problem: ProblemError, request: HttpRequest) -> HttpResponse:
    """A refusal for htmx: a short alert in the reader's language; the page script shows it as a toast."""
    response = render(request, "web/_error.html", {"message": str(problem)}, status=problem.status)
    return with_problem_headers(response, problem)


def with_toast(response: HttpResponse, message: str) -> HttpResponse:
    """Ask the page script to show `message` (htmx turns HX-Trigger into a DOM event)."""
    response["HX-Trigger"] = json.dumps({"hongshu:toast": {"message": str(message)}})
    return response


View = Callable[..., HttpResponse]
Fragment = View  # kept for readability at the decorator sites


def page_view(view: View) -> View:
    """Full pages: any ProblemError from the selectors or services becomes the site's problem page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ProblemError as problem:
            return problem_page(request, problem)

    return wrapped


def fragment_view(view: View) -> View:
    """Small htmx endpoints: any ProblemError from the services becomes an error fragment."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ProblemError as problem:
            return problem_fragment(problem, request)

    return wrapped
