"""The author's own notes: edit a note or a draft (the compose form), its earlier versions, delete it after a
confirmation, correct its language, and the drafts list.

Each action calls what the JSON API calls: `notes.services.note_update` (PATCH /api/v1/notes/{id}, which
keeps the history), `note_delete` (DELETE), `notes.selectors.note_history` (GET …/history) and `drafts_of`
(GET /api/v1/notes/drafts). Every change is a POST with CSRF answered by a redirect (PRG), with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hongshu.core.errors import ProblemError, RateLimited, field_error
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.notes.models import Note
from hongshu.notes.selectors import access_own_note, drafts_of, note_history
from hongshu.notes.services import Place, explicit_topics, note_delete, note_update
from hongshu.web.common import as_refusal, member_of, page_view
from hongshu.web.forms_me import ComposeForm
from hongshu.web.presenters import card_of
from hongshu.web.views.compose import compose_page, photos_of_note, picked_photos


def _initial(note: Note) -> dict[str, str]:
    return {
        "title": note.title,
        "body": note.body,
        "topics": " ".join(f"#{name}" for name in explicit_topics(note)),
        "place": note.place_name,
        "visibility": note.visibility,
    }


def _place_change(note: Note, typed: str) -> tuple[Place | None, bool]:
    """(place, clear_place) for `note_update`: an unchanged name keeps the note's coarse coordinates."""
    name = typed.strip()
    if not name:
        return None, bool(note.place_name)
    if name == note.place_name:
        return None, False
    return Place(name=name), False


@login_required
@require_http_methods(["GET", "POST"])
@page_view
def note_edit(request: HttpRequest, note_id: int) -> HttpResponse:
    """Edit a note (its earlier version is kept) or continue a draft: save it, or publish it."""
    member = member_of(request)
    note = access_own_note(viewer=member, note_id=note_id)
    if request.method == "GET":
        form = ComposeForm(initial=_initial(note))
        return compose_page(request, member=member, form=form, photos=photos_of_note(note), note=note)
    form = ComposeForm(request.POST)
    specs, photos = picked_photos(request, member)
    refused: RateLimited | None = None
    if form.is_valid():
        data = form.cleaned_data
        place, clear_place = _place_change(note, data["place"])
        was_draft = note.status == Note.Status.DRAFT
        try:
            rate_limit_hit("note_edit", member=member, ip=client_ip(request))
            note = note_update(
                note=note,
                editor=member,
                title=data["title"],
                body=data["body"],
                images=specs,
                topics=form.topic_names(),
                place=place,
                clear_place=clear_place,
                visibility=data["visibility"],
                publish="publish" in request.POST,
            )
        except ProblemError as problem:
            form.add_problem(problem)
            refused = problem if isinstance(problem, RateLimited) else None
        else:
            if note.status == Note.Status.DRAFT:
                messages.success(request, _("Draft saved."))
                return redirect("me-drafts")
            messages.success(request, _("Published.") if was_draft else _("Your changes are saved."))
            return redirect("note-detail", note_id=note.pk)
    response = compose_page(request, member=member, form=form, photos=photos, note=note)
    return as_refusal(response, refused) if refused else response


@login_required
@require_http_methods(["GET", "POST"])
@page_view
def note_remove(request: HttpRequest, note_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes, then goes back to the profile (or the drafts)."""
    member = member_of(request)
    note = access_own_note(viewer=member, note_id=note_id)
    is_draft = note.status == Note.Status.DRAFT
    if request.method == "POST":
        note_delete(note=note, actor=member)
        if is_draft:
            messages.success(request, _("Draft deleted."))
            return redirect("me-drafts")
        messages.success(request, _("Note deleted."))
        return redirect("me-profile", handle=member.handle)
    return render(request, "web/noteedit/delete.html", {"note": note, "is_draft": is_draft})


@login_required
@require_POST
@page_view
def note_publish(request: HttpRequest, note_id: int) -> HttpResponse:
    """Publish a draft as it is (from the drafts list); if it is not ready, its edit form says why."""
    member = member_of(request)
    note = access_own_note(viewer=member, note_id=note_id)
    try:
        note = note_update(note=note, editor=member, publish=True)
    except ProblemError as problem:
        messages.error(request, str(problem))
        return redirect("note-edit", note_id=note.pk)
    messages.success(request, _("Published."))
    return redirect("note-detail", note_id=note.pk)


@login_required
@require_POST
@page_view
def note_language(request: HttpRequest, note_id: int) -> HttpResponse:
    """The author corrects the language the note was detected in (PATCH with `language`)."""
    member = member_of(request)
    note = access_own_note(viewer=member, note_id=note_id)
    try:
        code = request.POST.get("language", "").strip()
        if not code:
            raise field_error("language", _("Choose a language."), code="language_required")
        note_update(note=note, editor=member, language=code)
    except ProblemError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, _("Language updated."))
    return redirect("note-detail", note_id=note.pk)


@login_required
@require_GET
@page_view
def note_versions(request: HttpRequest, note_id: int) -> HttpResponse:
    """The note as it is now and each earlier version, newest first (only its author sees them)."""
    member = member_of(request)
    note = access_own_note(viewer=member, note_id=note_id)
    context = {
        "note": note,
        "photo_count": len(note.ordered_images()),
        "topics": [topic.name for topic in note.topic_list()],
        "revisions": note_history(viewer=member, note_id=note.pk),
    }
    return render(request, "web/noteedit/history.html", context)


@login_required
@require_GET
@page_view
def drafts(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    page = drafts_of(author=member, cursor=request.GET.get("cursor"))
    context = {"cards": [card_of(draft) for draft in page.items], "next_cursor": page.next_cursor}
    return render(request, "web/noteedit/drafts.html", context)
