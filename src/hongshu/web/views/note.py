"""The note page (or its overlay over the waterfall), and what a reader does to a note with htmx: like,
collect into a board, follow its author.

The actions are thin: each parses, calls the same services as the JSON API, and answers with the updated
button (or an error fragment in the reader's language, see `fragment_view`). Every one is a POST with CSRF.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hongshu.accounts.models import User
from hongshu.core.ids import parse_id
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.feeds.pages import note_page
from hongshu.interactions import services as interactions
from hongshu.interactions.selectors import boards_of, note_counts
from hongshu.notes.models import Note
from hongshu.notes.selectors import access_note
from hongshu.social import services
from hongshu.social.selectors import access_account
from hongshu.web.common import fragment_view, member_of, page_view, viewer_of, with_toast
from hongshu.web.presenters import author_of, box_for, photos_of, topics_beyond_text


def note_context(viewer: User | None, note: Note) -> dict[str, object]:
    """Everything the note (page or overlay) shows: photos, counts, the viewer's marks, first comments."""
    page = note_page(viewer=viewer, note=note)
    photos = photos_of(note)
    return {
        "note": note,
        "photos": photos,
        "frame": box_for(photos[0].width, photos[0].height, clamp=True) if photos else None,
        "author": author_of(note.author),
        "topics": topics_beyond_text(note),
        "counts": page.counts,
        "liked": page.liked,
        "collected": page.collected,
        "following": page.following,
        "relationship": page.relationship,  # the author menu shows mute or unmute
        "is_author": page.is_author,
        "comments": page.comments,
    }


@require_GET
@page_view
def note_detail(request: HttpRequest, note_id: int) -> HttpResponse:
    """The note page; with `?overlay=1` only the note itself, for the dialog over the waterfall."""
    viewer = viewer_of(request)
    note = access_note(viewer=viewer, note_id=note_id)
    overlay = request.GET.get("overlay") == "1"
    template = "web/_note.html" if overlay else "web/note_detail.html"
    response = render(request, template, {**note_context(viewer, note), "overlay": overlay})
    response["Vary"] = "Cookie"
    return response


def _like_button(request: HttpRequest, note_id: int, *, liked: bool) -> HttpResponse:
    counts = note_counts(note_ids=[note_id])[note_id]
    return render(request, "web/note/_like.html", {"note_id": note_id, "liked": liked, "count": counts.likes})


@require_POST
@fragment_view
def note_like(request: HttpRequest, note_id: int) -> HttpResponse:
    member = member_of(request)
    rate_limit_hit("like", member=member, ip=client_ip(request))
    interactions.like_create(user=member, note_id=note_id)
    return _like_button(request, note_id, liked=True)


@require_POST
@fragment_view
def note_unlike(request: HttpRequest, note_id: int) -> HttpResponse:
    interactions.like_delete(user=member_of(request), note_id=note_id)
    return _like_button(request, note_id, liked=False)


def _collect_button(request: HttpRequest, note_id: int, *, collected: bool) -> HttpResponse:
    counts = note_counts(note_ids=[note_id])[note_id]
    context = {"note_id": note_id, "collected": collected, "count": counts.collects}
    return render(request, "web/note/_collect.html", context)


@require_GET
@fragment_view
def collect_sheet(request: HttpRequest, note_id: int) -> HttpResponse:
    """The sheet of the reader's boards to collect a note into, with a field to start a new board.

    Read-only: a member without a default board yet sees it as a choice (no ID); collecting creates it.
    """
    member = member_of(request)
    boards = boards_of(viewer=member, owner=member)
    has_default = any(board.is_default for board in boards)
    context = {"note_id": note_id, "boards": boards, "default_missing": not has_default}
    return render(request, "web/note/_boards.html", context)


@require_POST
@fragment_view
def note_collect(request: HttpRequest, note_id: int) -> HttpResponse:
    """Collect into a new board named in `new_board`, or the chosen `board`, or the default board."""
    member = member_of(request)
    rate_limit_hit("like", member=member, ip=client_ip(request))
    collect = interactions.collect_into(
        user=member,
        note_id=note_id,
        board_id=parse_id(request.POST.get("board")),  # anything but a valid ID means the default board
        new_board_name=request.POST.get("new_board"),
    )
    name = collect.board.name
    message = _("Saved to %(board)s") % {"board": name} if name else _("Collected")
    return with_toast(_collect_button(request, note_id, collected=True), message)


@require_POST
@fragment_view
def note_uncollect(request: HttpRequest, note_id: int) -> HttpResponse:
    interactions.collect_delete(user=member_of(request), note_id=note_id)
    return _collect_button(request, note_id, collected=False)


def _follow_button(request: HttpRequest, handle: str, state: str) -> HttpResponse:
    return render(request, "web/note/_follow.html", {"handle": handle, "following": state})


@require_POST
@fragment_view
def follow(request: HttpRequest, handle: str) -> HttpResponse:
    member = member_of(request)
    rate_limit_hit("follow", member=member, ip=client_ip(request))
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
