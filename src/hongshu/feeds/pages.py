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

from django.contrib.auth.models import AnonymousUser

from hongshu.accounts.models import User
from hongshu.comments.selectors import CommentPage, comments_of_note
from hongshu.feeds.selectors import viewer_marks
from hongshu.interactions.selectors import NoteCounts, likes_and_collects_received, note_counts
from hongshu.notes.models import Note
from hongshu.social.selectors import AccountSocial, Relationship, account_social

Viewer = User | AnonymousUser | None


def _member(viewer: Viewer) -> User | None:
    return viewer if isinstance(viewer, User) and viewer.is_authenticated else None


@dataclass(frozen=True)
class CardData:
    """One note of a list (a feed, search results, a profile tab) with its counts and whether the viewer
    liked it (always False for visitors and where marks were not asked for)."""

    note: Note
    counts: NoteCounts
    liked: bool


def note_cards(
    *,
    viewer: Viewer,
    notes: Sequence[Note],
    counts: Mapping[int, NoteCounts] | None = None,
    marks: bool = True,
) -> list[CardData]:
    """Cards for `notes` (already reached through the note policy and hydrated), in their order.

    A fixed number of queries whatever the list holds: the counts (skipped when the caller already has them,
    as search does from its own ranking query) and, with `marks` for a member, their marks among the notes
    (`viewer_marks`: likes and collects, two queries; the cards use the likes). The API's note lists carry
    counts but no viewer marks (`marks=False`).
    """
    ids = [note.pk for note in notes]
    if counts is None:
        counts = note_counts(note_ids=ids)
    liked = viewer_marks(viewer=viewer, note_ids=ids).liked if marks else frozenset[int]()
    return [
        CardData(note=note, counts=counts.get(note.pk, NoteCounts()), liked=note.pk in liked)
        for note in notes
    ]


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
    """The note page of `note`, which `viewer` reached through `access_note`: a fixed number of queries."""
    member = _member(viewer)
    marks = viewer_marks(viewer=member, note_ids=[note.pk])
    relationship = account_social(viewer=member, account=note.author).relationship
    return NotePageData(
        note=note,
        counts=note_counts(note_ids=[note.pk])[note.pk],
        liked=note.pk in marks.liked,
        collected=note.pk in marks.collected,
        relationship=relationship,
        is_author=member is not None and member.pk == note.author_id,
        comments=comments_of_note(viewer=member, note_id=note.pk, cursor=None),
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
        social=account_social(viewer=member, account=account),
        received=likes_and_collects_received(author=account),
        is_me=member is not None and member.pk == account.pk,
        likes_visible=likes_visible(viewer=member, account=account),
    )
