"""The feeds: Explore (the home page) and Following, each a first page and the htmx pages after it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from hongshu.accounts.models import User
from hongshu.core.pagination import Page
from hongshu.feeds.following import feed_following
from hongshu.feeds.pages import note_cards
from hongshu.notes.models import Note
from hongshu.notes.selectors import notes_latest
from hongshu.web.common import page_view, viewer_of
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
    return notes_latest(viewer=viewer_of(request), cursor=request.GET.get("cursor"))


@require_GET
@page_view
def home(request: HttpRequest) -> HttpResponse:
    page = _explore_page(request)
    return _feed(request, page, "web/home.html", feed="explore", more_url="explore-more")


@require_GET
@page_view
def explore_more(request: HttpRequest) -> HttpResponse:
    """The next page of Explore as a fragment, loaded by htmx as the reader nears the end."""
    page = _explore_page(request)
    return _feed(request, page, "web/feeds/_page.html", more_url="explore-more", end_message=True)


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
