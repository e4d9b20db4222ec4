"""Feed reads. Notes are reached only through `Note.objects.listed_for` (visibility policy minus mutes)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from hongshu.accounts.models import User
from hongshu.core.pagination import DEFAULT_LIMIT, Page, paginate_by_id, parse_cursor
from hongshu.interactions.models import Collect, Like
from hongshu.notes.models import Note
from hongshu.notes.selectors import notes_hydrated
from hongshu.social.models import Follow
from hongshu.topics.selectors import followed_topic_note_ids

Viewer = User | AnonymousUser | None
# How many followed accounts one page looks at. Each contributes at most `limit + 1` of its newest notes
# (an index range scan on note_author_recent), so a page costs O(followees × limit) rows, never a full scan.
FOLLOWEES_MAX = 2000


@dataclass(frozen=True)
class ViewerMarks:
    """Which of some notes the viewer liked or collected (empty for visitors)."""

    liked: frozenset[int]
    collected: frozenset[int]


def feed_following(*, viewer: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[Note]:
    """Published notes of accounts `viewer` follows (accepted) and of topics they follow, newest first, with an
    ID cursor.

    Written as a UNION of one bounded query per followee, each walking the (author_id, -id) index, then
    cut to the page: PostgreSQL never reads more than `limit + 1` notes of any one author.
    """
    followees = list(
        Follow.objects.filter(follower=viewer, state=Follow.State.ACCEPTED)
        .order_by("-id")
        .values_list("followee_id", flat=True)[:FOLLOWEES_MAX]
    )
    before = parse_cursor(cursor)  # raises InvalidInput on a malformed cursor
    # Notes of the topics the viewer follows join the same newest-first order (each bounded the same way).
    topic_ids = followed_topic_note_ids(member=viewer, before_id=before, limit=limit + 1)
    if not followees and not topic_ids:
        return Page(items=[], next_cursor=None)
    base = Note.objects.listed_for(viewer).filter(status=Note.Status.PUBLISHED)
    if before is not None:
        base = base.filter(pk__lt=before)
    if not followees:
        candidate_ids: list[int] = []
    elif connection.features.supports_slicing_ordering_in_compound and len(followees) > 1:
        per_author = [
            base.filter(author_id=author_id).order_by("-id").values_list("id", flat=True)[: limit + 1]
            for author_id in followees
        ]
        candidate_ids = sorted(per_author[0].union(*per_author[1:], all=True), reverse=True)[: limit + 1]
    else:  # SQLite cannot order and slice inside a UNION; the embedded database serves small instances
        ids = base.filter(author_id__in=followees).order_by("-id").values_list("id", flat=True)
        candidate_ids = list(ids[: limit + 1])
    candidate_ids = sorted({*candidate_ids, *topic_ids}, reverse=True)[: limit + 1]
    # The candidates are already the page (plus one to tell whether another follows).
    return paginate_by_id(notes_hydrated(base.filter(pk__in=candidate_ids)), cursor=None, limit=limit)


def viewer_marks(*, viewer: Viewer, note_ids: list[int]) -> ViewerMarks:
    """The viewer's likes and collects among `note_ids`: two indexed queries whatever the page holds."""
    if not isinstance(viewer, User) or not viewer.is_authenticated or not note_ids:
        return ViewerMarks(liked=frozenset(), collected=frozenset())
    liked = Like.objects.filter(user=viewer, note_id__in=note_ids).values_list("note_id", flat=True)
    collected = Collect.objects.filter(user=viewer, note_id__in=note_ids).values_list("note_id", flat=True)
    return ViewerMarks(liked=frozenset(liked), collected=frozenset(collected))
