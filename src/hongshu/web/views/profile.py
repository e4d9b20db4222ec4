"""A member's profile (/@handle) with its tabs, and the follow button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hongshu.accounts.models import User
from hongshu.core.errors import Conflict, InvalidInput, NotFound, ProblemError, RateLimited
from hongshu.core.ids import parse_id
from hongshu.core.pagination import Page
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.feeds.pages import likes_visible, profile_page
from hongshu.interactions import services as interactions
from hongshu.interactions.models import Board
from hongshu.interactions.selectors import access_board, board_notes_page, boards_of, liked_notes_page
from hongshu.notes.models import Note
from hongshu.notes.selectors import notes_by_author
from hongshu.social import services as social
from hongshu.social.selectors import AccountSocial, access_account, account_social
from hongshu.textlib.codes import READABLE_LANGUAGES
from hongshu.web.common import is_htmx, member_of, page_view, problem_fragment, problem_page, viewer_of
from hongshu.web.presenters import author_of, card_of

TABS = ("notes", "collects", "likes")


def _board_page(
    viewer: User | None, account: User, chosen: int | None, cursor: str | None
) -> tuple[list[Board], Board | None, Page[Note]]:
    boards = boards_of(viewer=viewer, owner=account)
    board = None
    if chosen is not None:
        board = access_board(viewer=viewer, board_id=chosen)
        if board.owner_id != account.pk:
            raise NotFound(code="board_not_found")
    elif boards:
        board = boards[0]
    if board is None:
        return boards, None, Page(items=[], next_cursor=None)
    return boards, board, board_notes_page(viewer=viewer, board=board, cursor=cursor)


@require_GET
@page_view
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    account = access_account(viewer=viewer, handle=handle)
    tab = request.GET.get("tab", "notes")
    chosen = parse_id(request.GET.get("board"))  # anything but a valid ID shows the first board
    return _profile_page(request, viewer, account, tab=tab, board_id=chosen)


def _profile_page(
    request: HttpRequest,
    viewer: User | None,
    account: User,
    *,
    tab: str,
    board_id: int | None = None,
    board_problem: dict[str, str] | None = None,
) -> HttpResponse:
    """The profile on `tab` (the collects tab on board `board_id`); `board_problem` re-shows a refused
    board form (which form, its message, what the member typed) with status 422."""
    tab = tab if tab in TABS else "notes"
    cursor = request.GET.get("cursor")
    boards: list[Board] = []
    board = None
    if tab == "collects":
        boards, board, page = _board_page(viewer, account, board_id, cursor)
    elif tab == "likes":
        if not likes_visible(viewer=viewer, account=account):
            return redirect("me-profile", handle=account.handle)  # hidden likes: the profile's notes instead
        page = liked_notes_page(viewer=viewer, owner=account, cursor=cursor)
    else:
        page = notes_by_author(viewer=viewer, author=account, cursor=cursor)
    head = profile_page(viewer=viewer, account=account)
    context = {
        "account": account,
        "author": author_of(account),
        "account_languages": [(code, READABLE_LANGUAGES.get(code, code)) for code in account.languages],
        "social": head.social,
        "received": head.received,
        "is_me": head.is_me,
        "tab": tab,
        "likes_visible": head.likes_visible,
        "boards": boards,
        "board": board,
        "board_problem": board_problem or {},
        "cards": [card_of(note) for note in page.items],
        "next_cursor": page.next_cursor,
    }
    return render(request, "web/me/profile.html", context, status=422 if board_problem else 200)


def _follow_button(request: HttpRequest, info: AccountSocial) -> HttpResponse:
    return render(request, "web/me/_follow_button.html", {"social": info, "account": info.account})


@login_required
@require_POST
def follow(request: HttpRequest, handle: str) -> HttpResponse:
    """Follow (or ask to), unfollow or withdraw a request; htmx gets the new button, others a redirect."""
    member = member_of(request)
    if request.POST.get("action") != "unfollow":
        try:
            rate_limit_hit("follow", member=member, ip=client_ip(request))
        except RateLimited as refused:
            return problem_fragment(refused, request) if is_htmx(request) else problem_page(request, refused)
    try:
        account = access_account(viewer=member, handle=handle)
        if request.POST.get("action") == "unfollow":
            social.follow_delete(follower=member, followee=account)
        else:
            social.follow_create(follower=member, followee=account)
    except NotFound as problem:
        if problem.code == "account_not_found":
            return problem_page(request, problem)
    except ProblemError:
        pass  # already in the asked-for state (a double tap): show the button as it now is
    if request.headers.get("HX-Request"):
        return _follow_button(request, account_social(viewer=member, account=account))
    return redirect("me-profile", handle=account.handle)


# ---- The owner manages their boards from the collects tab: the same services as /api/v1/boards. ----


def _collects_url(member: User, board_id: int | None = None) -> str:
    query = f"?tab=collects&board={board_id}" if board_id else "?tab=collects"
    return reverse("me-profile", kwargs={"handle": member.handle}) + query


def _board_refused(
    request: HttpRequest, member: User, problem: ProblemError, *, form: str, board_id: int | None, typed: str
) -> HttpResponse:
    """The collects tab again with the refused form's message and what was typed (422), nothing lost."""
    refused = {"form": form, "message": str(problem), "typed": typed}
    return _profile_page(request, member, member, tab="collects", board_id=board_id, board_problem=refused)


@login_required
@require_POST
@page_view
def board_create(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    name = request.POST.get("name", "")
    try:
        board = interactions.board_create(
            owner=member, name=name, is_public=request.POST.get("is_public") == "on"
        )
    except (InvalidInput, Conflict) as problem:
        return _board_refused(request, member, problem, form="create", board_id=None, typed=name)
    messages.success(request, _("Board “%(name)s” created.") % {"name": board.name})
    return redirect(_collects_url(member, board.pk))


@login_required
@require_POST
@page_view
def board_update(request: HttpRequest, board_id: int) -> HttpResponse:
    """Rename (`name`) and/or change who sees the board (`is_public` = "1" or "0"), like PATCH does."""
    member = member_of(request)
    name = request.POST.get("name")
    public = request.POST.get("is_public")
    try:
        board = interactions.board_update(
            owner=member,
            board_id=board_id,
            name=name,
            is_public={"1": True, "0": False}.get(public or ""),
        )
    except (InvalidInput, Conflict) as problem:
        return _board_refused(request, member, problem, form="rename", board_id=board_id, typed=name or "")
    if public is not None:
        message = _("The board is now public.") if board.is_public else _("The board is now private.")
    else:
        message = _("Board renamed.")
    messages.success(request, message)
    return redirect(_collects_url(member, board.pk))


@login_required
@require_POST
@page_view
def board_delete(request: HttpRequest, board_id: int) -> HttpResponse:
    """Delete a named board (confirmed on the page); its notes stay collected, in the default board."""
    member = member_of(request)
    interactions.board_delete(owner=member, board_id=board_id)
    messages.success(request, _("Board deleted. Its notes stay collected."))
    return redirect(_collects_url(member))
