"""The compose page: photos upload through the API as they are picked; the note is created by a form POST.
The same form and template edit a note or a draft (`web.views.note_edit`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hongshu.accounts.models import User
from hongshu.core.errors import ProblemError, RateLimited
from hongshu.core.ids import parse_id
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.media.models import MediaAsset
from hongshu.media.urls_for import variant_urls
from hongshu.notes.models import Note
from hongshu.notes.services import BODY_MAX, IMAGES_MAX, TITLE_MAX, ImageSpec, Place, note_create
from hongshu.social.selectors import accounts_by_handle_prefix
from hongshu.web.common import as_refusal, member_of
from hongshu.web.forms_me import ComposeForm
from hongshu.web.presenters import author_of

MENTION_LIMIT = 8


@dataclass(frozen=True)
class PickedPhoto:
    """A photo already uploaded for this note, shown again when the form comes back with errors."""

    id: int
    alt: str
    src: str
    ready: bool


def _shown(asset: MediaAsset, alt: str) -> PickedPhoto:
    urls = variant_urls(asset)
    src = urls.get("360") or next(iter(urls.values()), "")
    return PickedPhoto(id=asset.pk, alt=alt, src=src, ready=bool(src))


def picked_photos(request: HttpRequest, owner: User) -> tuple[list[ImageSpec], list[PickedPhoto]]:
    """The photo IDs (in order) and their alt texts as posted; IDs that are not numbers are dropped."""
    ids, alts = request.POST.getlist("photo"), request.POST.getlist("alt")
    specs = [
        ImageSpec(media_id=media_id, alt_text=alts[i] if i < len(alts) else "")
        for i, raw in enumerate(ids)
        if (media_id := parse_id(raw)) is not None
    ]
    # Only the member's own uploads are shown back; the services refuse the others with a field error.
    assets = {a.pk: a for a in MediaAsset.objects.filter(owner=owner, pk__in=[s.media_id for s in specs])}
    return specs, [_shown(assets[s.media_id], s.alt_text) for s in specs if s.media_id in assets]


def photos_of_note(note: Note) -> list[PickedPhoto]:
    """A note's photos as compose tiles, in order, for its edit form."""
    return [_shown(image.media, image.alt_text) for image in note.ordered_images()]


def compose_page(
    request: HttpRequest,
    *,
    member: User,
    form: ComposeForm,
    photos: list[PickedPhoto],
    note: Note | None = None,
) -> HttpResponse:
    """The compose form: a new note, or (with `note`) the edit of a note or a draft."""
    context = {
        "form": form,
        "photos": photos,
        "me": author_of(member),
        "note": note,
        "limits": {"title": TITLE_MAX, "body": BODY_MAX, "photos": IMAGES_MAX},
    }
    status = 422 if form.errors or form.outside_errors else 200
    return render(request, "web/me/compose.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    form = ComposeForm(request.POST or None)
    photos: list[PickedPhoto] = []
    refused: ProblemError | None = None
    if request.method == "POST":
        specs, photos = picked_photos(request, member)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rate_limit_hit("note_create", member=member, ip=client_ip(request))
                note = note_create(
                    author=member,
                    title=data["title"],
                    body=data["body"],
                    images=specs,
                    topics=form.topic_names(),
                    place=Place(name=data["place"]) if data["place"].strip() else None,
                    visibility=data["visibility"],
                    draft="draft" in request.POST,
                )
            except ProblemError as problem:
                form.add_problem(problem)
                refused = problem if isinstance(problem, RateLimited) else None
            else:
                if note.status == note.Status.DRAFT:
                    messages.success(request, _("Draft saved."))
                    return redirect("me-drafts")
                return redirect("note-detail", note_id=note.pk)
    response = compose_page(request, member=member, form=form, photos=photos)
    return as_refusal(response, refused) if refused else response


@login_required
@require_GET
def mentions(request: HttpRequest) -> JsonResponse:
    """Handles starting with `q` for the @mention suggestions (active members outside a blocked pair)."""
    member = member_of(request)
    query = request.GET.get("q", "").strip().lstrip("@")
    if not query or not query.replace("_", "").isalnum() or not query.isascii():
        return JsonResponse({"accounts": []})
    users = accounts_by_handle_prefix(viewer=member, prefix=query, limit=MENTION_LIMIT)
    return JsonResponse(
        {"accounts": [{"handle": u.handle, "name": u.display_name or u.handle} for u in users]}
    )
