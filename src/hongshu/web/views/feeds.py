"""The feeds: Explore (the home page) and Following, each a first page and the htmx pages after it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hongshu.accounts.models import User
from hongshu.core.errors import ProblemError
from hongshu.core.ids import parse_id
from hongshu.core.pagination import Page
from hongshu.discovery.selectors import feed_explore, not_interested_list, not_interested_names
from hongshu.discovery.services import not_interested_add, not_interested_remove
from hongshu.feeds.following import feed_following
from hongshu.feeds.pages import note_cards
from hongshu.notes.models import Note
from hongshu.web.common import is_htmx, member_of, page_view, problem_fragment, problem_page, viewer_of
from hongshu.web.presenters import Card, card_of


def _cards(notes: list[Note], viewer: User | None) -> list[Card]:
    """Cards with like counts and the viewer's own likes (`note_cards`): a fixed number of queries per page."""
    return [
        card_of(c.note, likes=c.counts.likes, liked=c.liked) for c in note_cards(viewer=viewer, notes=notes)
    ]


def _feed(request: HttpRequest, page: Page[Note], template: str, **extra: object) -> HttpResponse:
    context = {"cards": _cards(page.items, viewer_of(request)), "next_cursor": page.next_cursor, **extra}
    return render(request, template, context)


def _explore_page(request: HttpRequest) -> Page[Note]:
    """Explore, personalized for members (`discovery.selectors.feed_explore`, the API's Explore too)."""
    return feed_explore(
        viewer=viewer_of(request), cursor=request.GET.get("cursor"), language=get_language() or "en"
    )


@require_GET
@page_view
def home(request: HttpRequest) -> HttpResponse:
    page = _explore_page(request)
    return _feed(request, page, "web/home.html", feed="explore", more_url="explore-more", card_back="/")


@require_GET
@page_view
def explore_more(request: HttpRequest) -> HttpResponse:
    """The next page of Explore as a fragment, loaded by htmx as the reader nears the end."""
    page = _explore_page(request)
    return _feed(
        request, page, "web/feeds/_page.html", more_url="explore-more", end_message=True, card_back="/"
    )


def _following_page(request: HttpRequest, viewer: User) -> Page[Note]:
    return feed_following(viewer=viewer, cursor=request.GET.get("cursor"))


@require_GET
@page_view
def following(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if viewer is None:
        return render(request, "web/following.html", {"feed": "following", "cards": []})
    page = _following_page(request, viewer)
    return _feed(request, page, "web/following.html", feed="following", more_url="following-more")


@require_GET
@page_view
def following_more(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if viewer is None:
        return redirect("sign-in")
    page = _following_page(request, viewer)
    return _feed(request, page, "web/feeds/_page.html", more_url="following-more", end_message=True)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target.startswith("/") and allowed else "/"


@login_required
@require_POST
def not_interested(request: HttpRequest) -> HttpResponse:
    """A "not interested" button (a note, its author or a topic): Explore stops offering it. `undo` takes
    the mark back. A small form POST, then back where the member was."""
    member = member_of(request)
    kind = request.POST.get("kind", "")
    target_id = parse_id(request.POST.get("id"))
    name = request.POST.get("name") or None
    try:
        if request.POST.get("undo"):
            not_interested_remove(member=member, kind=kind, target_id=target_id, name=name)
            message = _("You will see this in Explore again.")
        else:
            not_interested_add(member=member, kind=kind, target_id=target_id, name=name)
            message = _("Got it: you will see less of this in Explore.")
    except ProblemError as problem:
        return problem_fragment(problem, request) if is_htmx(request) else problem_page(request, problem)
    messages.success(request, message)
    return redirect(_back(request))


@login_required
@require_GET
def not_interested_marks(request: HttpRequest) -> HttpResponse:
    """The member's latest "not interested" marks, each with an undo button."""
    member = member_of(request)
    marks = not_interested_list(member=member, cursor=None, limit=50).items
    names = not_interested_names(marks)
    for mark in marks:
        mark.label = names.get((mark.kind, mark.target_id), "")  # type: ignore[attr-defined]
    return render(request, "web/me/not_interested.html", {"marks": marks})
