"""The social graph on the web: a member's followers and following lists, follow requests to approve or
decline, removing a follower, and blocking or muting an account (from its profile or from one of its notes).

Every action calls the same service as the JSON API (`hongshu.social.services`) and reads through the same
selectors, so the account policy (`social.querysets.members_visible_to`) decides what each reader sees. htmx requests
get a fragment (and a toast); others are redirected (PRG) with a message.
"""

from __future__ import annotations

from typing import Literal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hongshu.accounts.selectors import account_by_handle
from hongshu.core.errors import ProblemError
from hongshu.social import services as social
from hongshu.social.selectors import access_account, follow_requests_page, followers_page, following_page
from hongshu.web.common import (
    is_htmx,
    member_of,
    page_view,
    problem_fragment,
    problem_page,
    viewer_of,
    with_toast,
)
from hongshu.web.presenters import author_of

Side = Literal["followers", "following"]


def _refused(request: HttpRequest, problem: ProblemError) -> HttpResponse:
    return problem_fragment(problem, request) if is_htmx(request) else problem_page(request, problem)


def _next_or(request: HttpRequest, fallback: str) -> str:
    """The `next` field of the form if it is a path on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target.startswith("/") and allowed else fallback


def _people(request: HttpRequest, handle: str, side: Side) -> HttpResponse:
    viewer = viewer_of(request)
    account = access_account(viewer=viewer, handle=handle)
    select = followers_page if side == "followers" else following_page
    page = select(viewer=viewer, owner=account, cursor=request.GET.get("cursor"))
    context = {
        "account": account,
        "author": author_of(account),
        "side": side,
        "people": [author_of(user) for user in page.items],
        "next_cursor": page.next_cursor,
        "is_me": viewer is not None and viewer.pk == account.pk,
    }
    return render(request, "web/graph/people.html", context)


@require_GET
@page_view
def followers(request: HttpRequest, handle: str) -> HttpResponse:
    """A member's followers (hidden lists and private accounts refuse as the API does)."""
    return _people(request, handle, "followers")


@require_GET
@page_view
def following(request: HttpRequest, handle: str) -> HttpResponse:
    return _people(request, handle, "following")


@login_required
@require_POST
def follower_remove(request: HttpRequest, handle: str) -> HttpResponse:
    """Take someone off the member's own followers (the API's DELETE /accounts/me/followers/{handle})."""
    member = member_of(request)
    try:
        follower = account_by_handle(handle=handle)
        social.follower_remove(owner=member, follower=follower)
    except ProblemError as problem:
        return _refused(request, problem)
    message = _("@%(handle)s no longer follows you.") % {"handle": follower.handle}
    if is_htmx(request):
        done = render(request, "web/graph/_row_done.html", {"text": _("Removed")})
        return with_toast(done, message)
    messages.success(request, message)
    return redirect("followers", handle=member.handle)


@login_required
@require_GET
@page_view
def follow_requests(request: HttpRequest) -> HttpResponse:
    """Pending requests to follow the member, newest first, each to approve or decline."""
    member = member_of(request)
    page = follow_requests_page(owner=member, cursor=request.GET.get("cursor"))
    context = {
        "requests": [(row.pk, author_of(row.follower)) for row in page.items],
        "next_cursor": page.next_cursor,
        "is_private": member.is_private,
    }
    return render(request, "web/graph/requests.html", context)


def _answer(request: HttpRequest, request_id: int, *, approve: bool) -> HttpResponse:
    member = member_of(request)
    try:
        if approve:
            follow = social.follow_request_approve(owner=member, request_id=request_id)
            handle = follow.follower.handle
            message = _("@%(handle)s now follows you.") % {"handle": handle}
        else:
            social.follow_request_decline(owner=member, request_id=request_id)
            message = _("Request declined.")
    except ProblemError as problem:  # not a pending request to this member (or answered already)
        return _refused(request, problem)
    if is_htmx(request):
        text = _("Approved") if approve else _("Declined")
        return with_toast(render(request, "web/graph/_row_done.html", {"text": text}), message)
    messages.success(request, message)
    return redirect("me-follow-requests")


@login_required
@require_POST
def follow_request_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    return _answer(request, request_id, approve=True)


@login_required
@require_POST
def follow_request_decline(request: HttpRequest, request_id: int) -> HttpResponse:
    return _answer(request, request_id, approve=False)


@login_required
@require_http_methods(["GET", "POST"])
@page_view
def block(request: HttpRequest, handle: str) -> HttpResponse:
    """GET asks for confirmation and says what a block does; POST blocks. Afterwards the pair no longer
    see each other (the account policy), so the member lands on their settings, where they can unblock."""
    member = member_of(request)
    account = access_account(viewer=member, handle=handle)
    if request.method == "GET":
        context = {
            "account": account,
            "author": author_of(account),
            "back": _next_or(request, f"/@{account.handle}"),
        }
        return render(request, "web/graph/block_confirm.html", context)
    social.block_create(blocker=member, blocked=account)
    messages.success(request, _("You blocked @%(handle)s.") % {"handle": account.handle})
    return redirect("me-settings")


def _mute(request: HttpRequest, handle: str, *, on: bool) -> HttpResponse:
    member = member_of(request)
    try:
        if on:
            account = access_account(viewer=member, handle=handle)
            social.mute_create(muter=member, muted=account)
        else:
            account = account_by_handle(handle=handle)
            social.mute_delete(muter=member, muted=account)
    except ProblemError as problem:
        if problem.code not in ("already_muted", "not_muted"):
            return _refused(request, problem)
        # already in the asked-for state (a double tap): answer as if it had just happened
    values = {"handle": account.handle}
    message = _("You muted @%(handle)s.") % values if on else _("You unmuted @%(handle)s.") % values
    if is_htmx(request):
        context = {"handle": account.handle, "muting": on, "back": _next_or(request, f"/@{account.handle}")}
        return with_toast(render(request, "web/graph/_account_menu.html", context), message)
    messages.success(request, message)
    return redirect(_next_or(request, f"/@{account.handle}"))


@login_required
@require_POST
def mute(request: HttpRequest, handle: str) -> HttpResponse:
    """Mute: the account's notes leave the member's feeds; they are not told."""
    return _mute(request, handle, on=True)


@login_required
@require_POST
def unmute(request: HttpRequest, handle: str) -> HttpResponse:
    return _mute(request, handle, on=False)
