"""Note reads. Every one goes through `Note.objects.visible_to` (the one visibility policy)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import Forbidden, NotFound
from hongshu.core.pagination import DEFAULT_LIMIT, Page, paginate_by_id
from hongshu.notes.models import Note, NoteImage, NoteRevision
from hongshu.notes.querysets import NoteQuerySet

Viewer = User | AnonymousUser | None


def _hydrated(queryset: NoteQuerySet) -> NoteQuerySet:
    """Everything a note card or page renders, in a fixed number of queries whatever the page holds."""
    return queryset.select_related("author", "author__avatar").prefetch_related(
        Prefetch("images", queryset=NoteImage.objects.select_related("media").order_by("position")),
        "topics",
        "mentions",
    )


def notes_hydrated(queryset: NoteQuerySet) -> NoteQuerySet:
    """For other apps' lists of notes (boards, likes): the same fixed-query hydration as here."""
    return _hydrated(queryset)


def access_note(*, viewer: Viewer, note_id: int) -> Note:
    """The note if `viewer` may read it; otherwise NotFound (never reveal that a hidden note exists)."""
    note = _hydrated(Note.objects.visible_to(viewer)).filter(pk=note_id).first()
    if note is None:
        raise NotFound(_("This note does not exist or is not visible to you."), code="note_not_found")
    return note


def access_own_note(*, viewer: User, note_id: int) -> Note:
    """The note for its author to change. Others get NotFound or Forbidden as the policy allows."""
    note = access_note(viewer=viewer, note_id=note_id)
    if note.author_id != viewer.pk:
        raise Forbidden(_("Only the author can change this note."), code="not_author")
    return note


def notes_latest(*, viewer: Viewer, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[Note]:
    """The newest published notes `viewer` may read (the first page of the site)."""
    queryset = Note.objects.listed_for(viewer).filter(status=Note.Status.PUBLISHED, visibility="public")
    return paginate_by_id(_hydrated(queryset), cursor=cursor, limit=limit)


def notes_by_author(
    *, viewer: Viewer, author: User, cursor: str | None, limit: int = DEFAULT_LIMIT
) -> Page[Note]:
    queryset = Note.objects.visible_to(viewer).filter(author=author, status=Note.Status.PUBLISHED)
    return paginate_by_id(_hydrated(queryset), cursor=cursor, limit=limit)


def drafts_of(*, author: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[Note]:
    queryset = Note.objects.visible_to(author).filter(author=author, status=Note.Status.DRAFT)
    return paginate_by_id(_hydrated(queryset), cursor=cursor, limit=limit)


def note_history(*, viewer: User, note_id: int) -> list[NoteRevision]:
    note = access_own_note(viewer=viewer, note_id=note_id)
    return list(note.revisions.order_by("-id"))
