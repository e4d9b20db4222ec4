"""Feed reads. Notes are reached only through `Note.objects.listed_for` (visibility policy minus mutes)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from hongshu.accounts.models import User
from hongshu.core.pagination import DEFAULT_LIMIT, Page, paginate_by_id, parse_cursor
from hongshu.notes.models import Note
from hongshu.notes.selectors import notes_hydrated
from hongshu.social.models import Follow

Viewer = User | AnonymousUser | None
# How many followed accounts one page looks at. Each contributes at most `limit + 1` of its newest notes
# (an index range scan on note_author_recent), so a page costs O(followees × limit) rows, never a full scan.
FOLLOWEES_MAX = 2000


def feed_following(*, viewer: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[Note]:
    """Published notes of accounts `viewer` follows (accepted), newest first, with an ID cursor.

    Written as a UNION of one bounded query per followee, each walking the (author_id, -id) index, then
    cut to the page: PostgreSQL never reads more than `limit + 1` notes of any one author.
    """
    followees = list(
        Follow.objects.filter(follower=viewer, state=Follow.State.ACCEPTED)
        .order_by("-id")
        .values_list("followee_id", flat=True)[:FOLLOWEES_MAX]
    )
    if not followees:
        return Page(items=[], next_cursor=None)
    before = parse_cursor(cursor)  # raises InvalidInput on a malformed cursor
    base = Note.objects.listed_for(viewer).filter(status=Note.Status.PUBLISHED)
    if before is not None:
        base = base.filter(pk__lt=before)
    if connection.features.supports_slicing_ordering_in_compound and len(followees) > 1:
        per_author = [
            base.filter(author_id=author_id).order_by("-id").values_list("id", flat=True)[: limit + 1]
            for author_id in followees
        ]
        candidate_ids = sorted(per_author[0].union(*per_author[1:], all=True), reverse=True)[: limit + 1]
    else:  # SQLite cannot order and slice inside a UNION; the embedded database serves small instances
        ids = base.filter(author_id__in=followees).order_by("-id").values_list("id", flat=True)
        candidate_ids = list(ids[: limit + 1])
    # The candidates are already the page (plus one to tell whether another follows).
    return paginate_by_id(notes_hydrated(base.filter(pk__in=candidate_ids)), cursor=None, limit=limit)
