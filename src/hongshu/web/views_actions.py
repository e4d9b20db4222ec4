"""htmx endpoints for what a reader does to a note: like, collect into a board, follow its author.

Thin: each parses, calls the same social services as the JSON API, and answers with the updated button
(or an error fragment in the reader's language, see `fragment_view`). Every one is a POST with CSRF.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hongshu.core.ids import parse_id
from hongshu.social import services
from hongshu.social.selectors import access_account, board_of_owner, boards_of, note_counts
from hongshu.web.common import fragment_view, member_of, viewer_of, with_toast


def _like_button(request: HttpRequest, note_id: int, *, liked: bool) -> HttpResponse:
    counts = note_counts(note_ids=[note_id])[note_id]
    return render(request, "web/note/_like.html", {"note_id": note_id, "liked": liked, "count": counts.likes})


@require_POST
@fragment_view
def note_like(request: HttpRequest, note_id: int) -> HttpResponse:
    services.like_create(user=member_of(request), note_id=note_id)
    return _like_button(request, note_id, liked=True)


@require_POST
@fragment_view
def note_unlike(request: HttpRequest, note_id: int) -> HttpResponse:
    services.like_delete(user=member_of(request), note_id=note_id)
    return _like_button(request, note_id, liked=False)


def _collect_button(request: HttpRequest, note_id: int, *, collected: bool) -> HttpResponse:
    counts = note_counts(note_ids=[note_id])[note_id]
    context = {"note_id": note_id, "collected": collected, "count": counts.collects}
    return render(request, "web/note/_collect.html", context)


@require_GET
@fragment_view
def collect_sheet(request: HttpRequest, note_id: int) -> HttpResponse:
    """The sheet of the reader's boards to collect a note into, with a field to start a new board."""
    member = member_of(request)
    boards = boards_of(viewer=member, owner=member)
    if not any(board.is_default for board in boards):
        boards.insert(0, services.board_default(owner=member))
    return render(request, "web/note/_boards.html", {"note_id": note_id, "boards": boards})


@require_POST
@fragment_view
def note_collect(request: HttpRequest, note_id: int) -> HttpResponse:
    """Collect into the chosen board, or into a new board named in `new_board`."""
    member = member_of(request)
    new_board = request.POST.get("new_board", "").strip()
    board_id = parse_id(request.POST.get("board"))  # anything but a valid ID means the default board
    if new_board:
        board = services.board_create(owner=member, name=new_board)
    elif board_id is not None:
        board = board_of_owner(owner=member, board_id=board_id)
    else:
        board = services.board_default(owner=member)
    services.collect_create(user=member, note_id=note_id, board_id=board.pk)
    message = _("Saved to %(board)s") % {"board": board.name} if board.name else _("Collected")
    return with_toast(_collect_button(request, note_id, collected=True), message)


@require_POST
@fragment_view
def note_uncollect(request: HttpRequest, note_id: int) -> HttpResponse:
    services.collect_delete(user=member_of(request), note_id=note_id)
    return _collect_button(request, note_id, collected=False)


def _follow_button(request: HttpRequest, handle: str, state: str) -> HttpResponse:
    return render(request, "web/note/_follow.html", {"handle": handle, "following": state})


@require_POST
@fragment_view
def follow(request: HttpRequest, handle: str) -> HttpResponse:
    member = member_of(request)
    account = access_account(viewer=member, handle=handle)
    follow = services.follow_create(follower=member, followee=account)
    return _follow_button(request, account.handle, follow.state)


@require_POST
@fragment_view
def unfollow(request: HttpRequest, handle: str) -> HttpResponse:
    member = member_of(request)
    account = access_account(viewer=viewer_of(request), handle=handle)
    services.follow_delete(follower=member, followee=account)
    return _follow_button(request, account.handle, "none")
