"""Composite page reads: what the note page, a profile and a list of note cards show, each assembled once
here from the selectors of the layers below (notes, interactions, comments) so that the HTML views and the API
read the same thing in the same number of queries.

They sit in `feeds` because they combine apps that must not import each other: counts and likes
(interactions) over notes, and a note's first comments. Everything a page shows that depends on the viewer
(their likes and collects, how they stand towards an author) is computed here, never in an adapter. Nothing
here writes, and nothing here formats: the adapters turn these dataclasses into HTML or JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, Exists, OuterRef, Value

from hongshu.accounts.models import User
from hongshu.comments.selectors import CommentPage, comments_of_readable_note
from hongshu.interactions.models import Collect, Like
from hongshu.interactions.selectors import (
    COUNT_FIELDS,
    NoteCounts,
    counts_of,
    likes_and_collects_received,
    with_counts,
)
from hongshu.notes.models import Note
from hongshu.notes.selectors import notes_hydrated
from hongshu.social.selectors import AccountSocial, Relationship, account_relationship, follow_counts

Viewer = User | AnonymousUser | None


def _member(viewer: Viewer) -> User | None:
    return viewer if isinstance(viewer, User) and viewer.is_authenticated else None


@dataclass(frozen=True)
class CardData:
    """One note of a list (a feed, search results, a profile tab), or of its own page, hydrated: the note
    with its author, avatar, photos (the first is the cover), topics and mentions, its counts, and whether
    the viewer liked and collected it (always False for visitors)."""

    note: Note
    counts: NoteCounts
    liked: bool
    collected: bool = False


def _counts_and_marks(
    viewer: Viewer, ids: list[int], *, with_note_counts: bool
) -> dict[int, tuple[NoteCounts, bool, bool]]:
    """Counts (unless the caller has them) and the viewer's like and collect of each note: one query,
    none when there is nothing to read."""
    member = _member(viewer)
    if not ids or (member is None and not with_note_counts):
        return {}
    rows: Any = Note.objects.filter(pk__in=ids)
    fields: tuple[str, ...] = ()
    if with_note_counts:
        rows, fields = with_counts(rows), COUNT_FIELDS
    if member is not None:
        rows = rows.annotate(
            liked=Exists(Like.objects.filter(user_id=member.pk, note_id=OuterRef("pk"))),
            collected=Exists(Collect.objects.filter(user_id=member.pk, note_id=OuterRef("pk"))),
        )
    else:
        rows = rows.annotate(
            liked=Value(False, output_field=BooleanField()),
            collected=Value(False, output_field=BooleanField()),
        )
    out = {}
    for pk, *values in rows.values_list("pk", *fields, "liked", "collected"):
        *counted, liked, collected = values
        out[pk] = (counts_of(*counted) if counted else NoteCounts(), bool(liked), bool(collected))
    return out


def note_cards(
    *,
    viewer: Viewer,
    notes: Sequence[Note],
    counts: Mapping[int, NoteCounts] | None = None,
) -> list[CardData]:
    """Cards for `notes` (already reached through the note policy and hydrated by `notes_hydrated`), in
    their order: their counts and the viewer's marks in ONE query whatever the list holds (none for a
    visitor when the caller already has the counts, as search does from its own ranking query).

    The one hydration of notes for every surface, HTML and API alike; `note_cards_of_ids` starts from IDs.
    """
    ids = [note.pk for note in notes]
    read = _counts_and_marks(viewer, ids, with_note_counts=counts is None)
    cards = []
    for note in notes:
        counted, liked, collected = read.get(note.pk, (NoteCounts(), False, False))
        if counts is not None:
            counted = counts.get(note.pk, NoteCounts())
        cards.append(CardData(note=note, counts=counted, liked=liked, collected=collected))
    return cards


def note_cards_of_ids(*, viewer: Viewer, note_ids: Sequence[int]) -> list[CardData]:
    """Any page of note IDs as cards, in the IDs' order, in five queries whatever the page holds: the notes
    (through `Note.objects.visible_to(viewer)`, so an ID the viewer may not read is left out) with their
    authors and avatars, their photos, topics and mentions, then their counts and the viewer's marks."""
    ids = list(dict.fromkeys(note_ids))
    if not ids:
        return []
    found = {n.pk: n for n in notes_hydrated(Note.objects.visible_to(viewer).filter(pk__in=ids))}
    return note_cards(viewer=viewer, notes=[found[pk] for pk in ids if pk in found])


@dataclass(frozen=True)
class NotePageData:
    """Everything the note page (or its overlay over the waterfall) shows beyond the note itself."""

    note: Note
    counts: NoteCounts
    liked: bool
    collected: bool
    relationship: Relationship | None  # None for visitors and for the author
    is_author: bool
    comments: CommentPage  # the first page of root comments, most liked first

    @property
    def following(self) -> str | None:
        """The viewer's follow state towards the author ("none", "pending", "accepted"), None if moot."""
        return self.relationship.following if self.relationship else None


def note_page(*, viewer: Viewer, note: Note) -> NotePageData:
    """The note page of `note`, which `viewer` reached through `access_note` (which hydrated it): counts and
    marks in one query, the relationship to the author in one, the first comments in a fixed few. The note,
    its photos, topics and mentions are not read again."""
    member = _member(viewer)
    card = note_cards(viewer=member, notes=[note])[0]
    return NotePageData(
        note=note,
        counts=card.counts,
        liked=card.liked,
        collected=card.collected,
        relationship=account_relationship(viewer=member, account=note.author),
        is_author=member is not None and member.pk == note.author_id,
        comments=comments_of_readable_note(viewer=member, note=note, cursor=None),
    )


@dataclass(frozen=True)
class ProfileData:
    """The head of a member's profile: follower counts, how the viewer stands towards them, the likes and
    collects their notes received, and whether the viewer may open their likes tab."""

    social: AccountSocial
    received: int
    is_me: bool
    likes_visible: bool

    @property
    def account(self) -> User:
        return self.social.account


def likes_visible(*, viewer: Viewer, account: User) -> bool:
    """Whether `viewer` may list the notes `account` liked (the rule `liked_notes_page` enforces)."""
    member = _member(viewer)
    return account.likes_public or (member is not None and member.pk == account.pk)


def profile_page(*, viewer: Viewer, account: User) -> ProfileData:
    """The profile head of `account`, which `viewer` reached through `access_account`."""
    member = _member(viewer)
    return ProfileData(
        social=AccountSocial(
            account,
            *follow_counts(user_id=account.pk),
            relationship=account_relationship(viewer=member, account=account),
        ),
        received=likes_and_collects_received(author=account),
        is_me=member is not None and member.pk == account.pk,
        likes_visible=likes_visible(viewer=member, account=account),
    )
