"""A member's profile (/@handle) with its tabs, and the follow button."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hongshu.accounts.models import User
from hongshu.core.errors import NotFound, ProblemError
from hongshu.core.ids import parse_id
from hongshu.core.pagination import Page
from hongshu.language.codes import READABLE_LANGUAGES
from hongshu.notes.models import Note
from hongshu.notes.selectors import notes_by_author
from hongshu.social import services as social
from hongshu.social.models import Board
from hongshu.social.selectors import (
    AccountSocial,
    access_account,
    access_board,
    account_social,
    board_notes_page,
    boards_of,
    liked_notes_page,
    likes_and_collects_received,
)
from hongshu.web.common import member_of, page_view, problem_page, viewer_of
from hongshu.web.presenters import author_of, card_of

TABS = ("notes", "collects", "likes")


def _likes_visible(viewer: User | None, account: User) -> bool:
    return account.likes_public or (viewer is not None and viewer.pk == account.pk)


def _board_page(
    request: HttpRequest, viewer: User | None, account: User
) -> tuple[list[Board], Board | None, Page[Note]]:
    boards = boards_of(viewer=viewer, owner=account)
    chosen = parse_id(request.GET.get("board"))  # anything but a valid ID shows the first board
    board = None
    if chosen is not None:
        board = access_board(viewer=viewer, board_id=chosen)
        if board.owner_id != account.pk:
            raise NotFound(code="board_not_found")
    elif boards:
        board = boards[0]
    if board is None:
        return boards, None, Page(items=[], next_cursor=None)
    return boards, board, board_notes_page(viewer=viewer, board=board, cursor=request.GET.get("cursor"))


@require_GET
@page_view
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    tab = request.GET.get("tab", "notes")
    tab = tab if tab in TABS else "notes"
    account = access_account(viewer=viewer, handle=handle)
    boards: list[Board] = []
    board = None
    if tab == "collects":
        boards, board, page = _board_page(request, viewer, account)
    elif tab == "likes":
        if not _likes_visible(viewer, account):
            return redirect("me-profile", handle=handle)  # hidden likes: the profile's notes instead
        page = liked_notes_page(viewer=viewer, owner=account, cursor=request.GET.get("cursor"))
    else:
        page = notes_by_author(viewer=viewer, author=account, cursor=request.GET.get("cursor"))
    social_info = account_social(viewer=viewer, account=account)
    context = {
        "account": account,
        "author": author_of(account),
        "account_languages": [(code, READABLE_LANGUAGES.get(code, code)) for code in account.languages],
        "social": social_info,
        "received": likes_and_collects_received(author=account),
        "is_me": viewer is not None and viewer.pk == account.pk,
        "tab": tab,
        "likes_visible": _likes_visible(viewer, account),
        "boards": boards,
        "board": board,
        "cards": [card_of(note) for note in page.items],
        "next_cursor": page.next_cursor,
    }
    return render(request, "web/me/profile.html", context)


def _follow_button(request: HttpRequest, info: AccountSocial) -> HttpResponse:
    return render(request, "web/me/_follow_button.html", {"social": info, "account": info.account})


@login_required
@require_POST
def follow(request: HttpRequest, handle: str) -> HttpResponse:
    """Follow (or ask to), unfollow or withdraw a request; htmx gets the new button, others a redirect."""
    member = member_of(request)
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
