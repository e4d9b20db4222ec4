"""HTML pages: feeds, the note page and signing in. Each view parses, calls selectors or a service, and
renders (see docs/architecture.md). The small htmx endpoints live in views_actions, views_comments, views_inbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.comments.selectors import comments_of_note
from hongshu.core.errors import InvalidInput, NotFound, ProblemError
from hongshu.core.pagination import Page
from hongshu.feeds.selectors import feed_following, viewer_marks
from hongshu.notes.models import Note
from hongshu.notes.selectors import access_note, notes_latest
from hongshu.social.selectors import account_social, note_counts
from hongshu.web.common import problem_page, viewer_of
from hongshu.web.forms import SignInForm, SignUpForm
from hongshu.web.presenters import Card, author_of, box_for, card_of, photos_of, topics_beyond_text

# Interface language (Django's code) -> the language a new member reads (BCP 47, as the API uses).
_READS = {"zh-hans": "zh-Hans", "en": "en"}


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


def _cards(notes: list[Note], viewer: User | None) -> list[Card]:
    """Cards with like counts and the viewer's own likes: two queries for the whole page."""
    ids = [note.pk for note in notes]
    counts = note_counts(note_ids=ids)
    liked = viewer_marks(viewer=viewer, note_ids=ids).liked
    return [card_of(n, likes=counts[n.pk].likes, liked=n.pk in liked) for n in notes]


def _feed(request: HttpRequest, page: Page[Note], template: str, **extra: object) -> HttpResponse:
    context = {"cards": _cards(page.items, viewer_of(request)), "next_cursor": page.next_cursor, **extra}
    return render(request, template, context)


def _explore_page(request: HttpRequest) -> Page[Note]:
    return notes_latest(viewer=viewer_of(request), cursor=request.GET.get("cursor"))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    try:
        page = _explore_page(request)
    except InvalidInput as problem:
        return problem_page(request, problem)
    return _feed(request, page, "web/home.html", feed="explore", more_url="explore-more")


@require_GET
def explore_more(request: HttpRequest) -> HttpResponse:
    """The next page of Explore as a fragment, loaded by htmx as the reader nears the end."""
    try:
        page = _explore_page(request)
    except InvalidInput as problem:
        return problem_page(request, problem)
    return _feed(request, page, "web/feeds/_page.html", more_url="explore-more", end_message=True)


def _following_page(request: HttpRequest, viewer: User) -> Page[Note]:
    return feed_following(viewer=viewer, cursor=request.GET.get("cursor"))


@require_GET
def following(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if viewer is None:
        return render(request, "web/following.html", {"feed": "following", "cards": []})
    try:
        page = _following_page(request, viewer)
    except InvalidInput as problem:
        return problem_page(request, problem)
    return _feed(request, page, "web/following.html", feed="following", more_url="following-more")


@require_GET
def following_more(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if viewer is None:
        return redirect("sign-in")
    try:
        page = _following_page(request, viewer)
    except InvalidInput as problem:
        return problem_page(request, problem)
    return _feed(request, page, "web/feeds/_page.html", more_url="following-more", end_message=True)


def note_context(viewer: User | None, note: Note) -> dict[str, object]:
    """Everything the note (page or overlay) shows: photos, counts, the viewer's marks, first comments."""
    photos = photos_of(note)
    marks = viewer_marks(viewer=viewer, note_ids=[note.pk])
    relationship = account_social(viewer=viewer, account=note.author).relationship
    return {
        "note": note,
        "photos": photos,
        "frame": box_for(photos[0].width, photos[0].height, clamp=True) if photos else None,
        "author": author_of(note.author),
        "topics": topics_beyond_text(note),
        "counts": note_counts(note_ids=[note.pk])[note.pk],
        "liked": note.pk in marks.liked,
        "collected": note.pk in marks.collected,
        "following": relationship.following if relationship else None,
        "is_author": viewer is not None and viewer.pk == note.author_id,
        "comments": comments_of_note(viewer=viewer, note_id=note.pk, cursor=None),
    }


@require_GET
def note_detail(request: HttpRequest, note_id: int) -> HttpResponse:
    """The note page; with `?overlay=1` only the note itself, for the dialog over the waterfall."""
    viewer = viewer_of(request)
    try:
        note = access_note(viewer=viewer, note_id=note_id)
    except NotFound as problem:
        return problem_page(request, problem)
    overlay = request.GET.get("overlay") == "1"
    template = "web/_note.html" if overlay else "web/note_detail.html"
    response = render(request, template, {**note_context(viewer, note), "overlay": overlay})
    response["Vary"] = "Cookie"
    return response


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create(
                handle=form.cleaned_data["handle"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                languages=[_READS.get(get_language() or "", "en")],
            )
        except ProblemError as problem:
            form.add_problem(problem)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return redirect("me-interests")  # newcomers pick interests to start their Explore feed
    return render(request, "web/sign_up.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        handle = form.cleaned_data["handle"].strip().lstrip("@")
        user = authenticate(request, username=handle, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The handle or password is not correct."))
        else:
            login(request, user)
            return redirect(_next_url(request))
    return render(request, "web/sign_in.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    # Signing out changes state, so it takes a POST with a CSRF token; GET only asks to confirm.
    if request.method == "POST":
        logout(request)
        return redirect("home")
    return render(request, "web/sign_out.html")
