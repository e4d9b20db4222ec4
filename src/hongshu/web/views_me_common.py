"""Shared bits of the member pages (views_me_*.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hongshu.accounts.models import User
from hongshu.core.errors import NotFound, ProblemError

# Pages for members only send visitors to sign in, then back (`?next=`).
members_only: Callable[[Callable[..., Any]], Callable[..., Any]] = login_required(login_url="sign-in")


def member_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guarded by members_only
    return user


def viewer_of(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def problem_page(request: HttpRequest, problem: ProblemError) -> HttpResponse:
    status = 404 if isinstance(problem, NotFound) else problem.status
    return render(request, "web/problem.html", {"problem": problem}, status=status)
