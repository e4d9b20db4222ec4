"""Note reads. Every one goes through `Note.objects.visible_to` (the one visibility policy)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.compiled import CompiledValues
from hongshu.core.errors import Forbidden, NotFound
from hongshu.core.pagination import DEFAULT_LIMIT, Page, paginate_by_id
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note, NoteImage, NoteRevision, Topic
from hongshu.notes.querysets import NoteQuerySet

Viewer = User | AnonymousUser | None
T = TypeVar("T")


def _hydrated(queryset: NoteQuerySet) -> NoteQuerySet:
    """Everything a note card or page renders, in a fixed number of queries whatever the page holds: the
    photos, topics and mentions as plain lists (`Note.ordered_images`, `topic_list`, `mention_handles`).
    The author's credentials are not read (nor ever cached with the note)."""
    authored = queryset.select_related("author", "author__avatar").defer(
        "author__password", "author__last_login"
    )
    return authored.prefetch_related(
        Prefetch(
            "images",
            queryset=NoteImage.objects.select_related("media").order_by("position"),
            to_attr="hydrated_images",
        ),
        Prefetch("topics", queryset=Topic.objects.all(), to_attr="hydrated_topics"),
        Prefetch("mentions", queryset=User.objects.only("id", "handle"), to_attr="hydrated_mentions"),
    )


def notes_hydrated(queryset: NoteQuerySet) -> NoteQuerySet:
    """For other apps' lists of notes (boards, likes): the same fixed-query hydration as here."""
    return _hydrated(queryset)


_SEAL = object()


@dataclass(frozen=True)
class NoteVersion:
    """What a cached rendering of a note is keyed by. SEALED: only `PolicyVersions` (below) makes one, from
    the row the visibility policy's own query returned for a viewer, so holding a NoteVersion proves the
    note passed the policy; the render cache (`notes_rendered`) takes nothing else."""

    note_id: int
    revision: int
    author_revision: int
    _seal: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._seal is not _SEAL:
            raise TypeError(
                "a NoteVersion comes only from the visibility policy (notes.selectors.PolicyVersions)"
            )


# The values a policy query selects for `NoteVersion` (`author` is joined by the policy already).
VERSION_FIELDS = ("pk", "revision", "author__profile_revision")


def _listed_query(ids: list[int], viewer: Viewer, *, annotations: Mapping[str, Any]) -> QuerySet[Note]:
    listed = Note.objects.discoverable_for(viewer).filter(pk__in_ids=ids, status=Note.Status.PUBLISHED)
    return listed.annotate(**annotations).values_list(*VERSION_FIELDS, *annotations)


class PolicyVersions:
    """The published notes among `ids` that `Note.objects.discoverable_for(viewer)` offers (search's
    policy query: `listed_for` minus limited notes of authors the viewer does not follow), as NoteVersions, each with
    the values of the caller's `annotations` (e.g. counters, read in the same query). Annotations can add
    columns, never rows: the filter is the policy's. The query is compiled once per kind of viewer
    (`core.compiled`; docs/benchmarks.md#compiled-search-policy-query) unless the setting turns that off."""

    def __init__(self, *, annotations: Mapping[str, Any] | None = None) -> None:
        fixed = dict(annotations or {})
        self.fields = tuple(fixed)
        self._compiled = CompiledValues(lambda ids, viewer: _listed_query(ids, viewer, annotations=fixed))

    def rows(self, *, viewer: Viewer, ids: Sequence[int]) -> list[tuple[NoteVersion, tuple[Any, ...]]]:
        """(version, annotation values) per listed note, in no particular order."""
        return [
            (NoteVersion(pk, revision, author_revision, _seal=_SEAL), tuple(rest))
            for pk, revision, author_revision, *rest in self._compiled.rows(ids=ids, viewer=viewer)
        ]


def _cache_key(form: str, note_id: int, revision: int, author_revision: int) -> str:
    return f"notes:{form}:v1:{note_id}:{revision}:{author_revision}"


def _complete(note: Note) -> bool:
    """Whether every photo (and the avatar) is processed: a pending one changes without a revision."""
    avatar = note.author.avatar
    if avatar is not None and avatar.state != MediaAsset.State.READY:
        return False
    return all(image.media.state == MediaAsset.State.READY for image in note.ordered_images())


def notes_rendered(
    *, form: str, versions: Sequence[NoteVersion], render: Callable[[Note], T]
) -> dict[int, T]:
    """`render(note)` by note id: from the cache where this version of the note was rendered in this `form`
    before, else hydrated (fixed queries), rendered and cached under the version it was read at.

    Only sealed NoteVersions are taken (made by the visibility policy's query in this request: see
    `PolicyVersions`); the cache holds what a note shows, never who may see it. A note with a photo still
    processing is not cached.
    """
    if not all(isinstance(v, NoteVersion) for v in versions):
        raise TypeError("notes_rendered takes only NoteVersions from the visibility policy")
    seconds = settings.HONGSHU.note_cache_seconds
    keys = {v.note_id: _cache_key(form, v.note_id, v.revision, v.author_revision) for v in versions}
    found = cache.get_many(list(keys.values())) if seconds else {}
    out: dict[int, T] = {i: found[key] for i, key in keys.items() if key in found}
    missing = [i for i in keys if i not in out]
    if missing:
        fresh = list(_hydrated(Note.objects.filter(pk__in_ids=missing)))
        rendered = {n.pk: render(n) for n in fresh}
        out.update(rendered)
        if seconds:
            # Under the version read now: an edit committed since the caller's policy query is newer.
            version = {n.pk: (n.revision, n.author.profile_revision) for n in fresh if _complete(n)}
            cache.set_many({_cache_key(form, i, *v): rendered[i] for i, v in version.items()}, seconds)
    return out


def notes_cached(*, versions: Sequence[NoteVersion]) -> dict[int, Note]:
    """Hydrated notes by id, for versions the policy returned (see `notes_rendered`)."""
    return notes_rendered(form="hydrated", versions=versions, render=lambda note: note)


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
    """The newest published notes `viewer` may be offered (the API's notes listing): a discovery surface."""
    queryset = Note.objects.discoverable_for(viewer).filter(status=Note.Status.PUBLISHED, visibility="public")
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


def notes_held_for_review(*, staff: User, limit: int = 50) -> list[Note]:
    """Held notes (`Note.Status.HELD`), oldest first, for a moderator: the one surface that shows notes the
    visibility policy keeps to their author, so it is for staff only."""
    if not staff.is_staff:
        raise Forbidden(code="not_staff")
    held = Note.objects.alive().filter(status=Note.Status.HELD, author__is_active=True).order_by("id")
    return list(_hydrated(held)[:limit])
