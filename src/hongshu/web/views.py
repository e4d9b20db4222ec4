"""HTML pages. Each view parses, calls one selector or service, and renders (see ARCHITECTURE.md)."""

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
from hongshu.core.errors import InvalidInput, NotFound, ProblemError
from hongshu.core.schemas import MAX_ID
from hongshu.notes.selectors import access_note, notes_latest
from hongshu.web.csp import csp
from hongshu.web.forms import SignInForm, SignUpForm
from hongshu.web.presenters import author_of, box_for, card_of, photos_of, topics_beyond_text

# Interface language (Django's code) -> the language a new member reads (BCP 47, as the API uses).
_READS = {"zh-hans": "zh-Hans", "en": "en"}


def _viewer(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _problem(request: HttpRequest, problem: ProblemError) -> HttpResponse:
    status = 404 if isinstance(problem, NotFound) else problem.status
    return render(request, "web/problem.html", {"problem": problem}, status=status)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


@csp
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    try:
        page = notes_latest(viewer=_viewer(request), cursor=request.GET.get("cursor"))
    except InvalidInput as problem:
        return _problem(request, problem)
    cards = [card_of(note) for note in page.items]
    return render(request, "web/home.html", {"cards": cards, "next_cursor": page.next_cursor})


@csp
@require_GET
def note_detail(request: HttpRequest, note_id: int) -> HttpResponse:
    try:
        if note_id > MAX_ID:  # beyond a 64-bit ID: no such note (and no query the database would refuse)
            raise NotFound(_("This note does not exist or is not visible to you."), code="note_not_found")
        note = access_note(viewer=_viewer(request), note_id=note_id)
    except NotFound as problem:
        return _problem(request, problem)
    photos = photos_of(note)
    frame = box_for(photos[0].width, photos[0].height, clamp=True) if photos else None
    context = {
        "note": note,
        "photos": photos,
        "frame": frame,
        "author": author_of(note.author),
        "topics": topics_beyond_text(note),
    }
    return render(request, "web/note_detail.html", context)


@csp
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
            return redirect(_next_url(request))
    return render(request, "web/sign_up.html", {"form": form, "next": _next_url(request)})


@csp
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


@csp
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    # Signing out changes state, so it takes a POST with a CSRF token; GET only asks to confirm.
    if request.method == "POST":
        logout(request)
        return redirect("home")
    return render(request, "web/sign_out.html")
