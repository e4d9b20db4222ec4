"""Reads of likes, boards, collects and note counts. Notes are reached only through `Note.objects.visible_to`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import IntegerField, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.compiled import CompiledValues
from hongshu.core.errors import Forbidden, NotFound
from hongshu.core.pagination import DEFAULT_LIMIT, Page, paginate_by_id
from hongshu.interactions.models import Board, Collect, Like, NoteCounter
from hongshu.notes.models import Note
from hongshu.notes.selectors import notes_hydrated
from hongshu.social.querysets import members_visible_to
from hongshu.social.selectors import Viewer

Interaction = TypeVar("Interaction", Like, Collect)


@dataclass(frozen=True)
class NoteCounts:
    likes: int = 0
    collects: int = 0
    comments: int = 0


def _member(viewer: Viewer) -> User | None:
    return viewer if isinstance(viewer, User) and viewer.is_authenticated else None


def _note_counts_query(ids: list[int]) -> QuerySet[Any]:
    grouped = NoteCounter.objects.filter(note_id__in_ids=ids).values("note_id")
    sums = grouped.annotate(likes=Sum("likes"), collects=Sum("collects"), comments=Sum("comments"))
    return sums.values_list("note_id", "likes", "collects", "comments")


# Compiled once (core.compiled): every note read and every new search ranking asks for counts.
_note_counts_rows = CompiledValues(_note_counts_query)


def note_counts(*, note_ids: list[int]) -> dict[int, NoteCounts]:
    """Like, collect and comment counts of many notes in one grouped query over their counter shards."""
    if not note_ids:
        return {}
    found = {
        note_id: NoteCounts(
            likes=max(likes or 0, 0), collects=max(collects or 0, 0), comments=max(comments or 0, 0)
        )
        for note_id, likes, collects, comments in _note_counts_rows.rows(ids=note_ids)
    }
    return {note_id: found.get(note_id, NoteCounts()) for note_id in note_ids}


# The annotations `with_counts` adds, in NoteCounts' field order.
COUNT_FIELDS = ("counted_likes", "counted_collects", "counted_comments")


def count_annotations(*, fields: Sequence[str] = COUNT_FIELDS) -> dict[str, RawSQL]:
    """The note counters (`fields` of COUNT_FIELDS, all by default; read all with `counts_of`) as annotations
    of a notes query: the sums over the counter shards that `note_counts` reads, inside the notes' own query,
    so a list that already queries its notes (search's policy query) gets the counters without a second round
    trip. Each field is a subquery per note, so ask only for those needed.

    Written as correlated scalar subqueries in SQL: the same subqueries built from ORM expressions took
    several times as much CPU to construct and compile, and search runs it on every request
    (docs/benchmarks.md#note-counts-as-sql-subqueries).
    The SQL names the notes table itself, so the query annotated must be a top-level query, not one nested
    in another (where Django would alias the table).
    """
    counters, note = NoteCounter._meta.db_table, Note._meta.db_table
    return {
        name: RawSQL(  # noqa: S611 - no input in it (below)
            # the table and column names are the models' own constants, never input
            f'(SELECT COALESCE(SUM(c.{column}), 0) FROM {counters} c WHERE c.note_id = "{note}"."id")',  # noqa: S608
            (),
            output_field=IntegerField(),
        )
        for name, column in zip(COUNT_FIELDS, ("likes", "collects", "comments"), strict=True)
        if name in fields
    }


def with_counts(notes: QuerySet[Note], *, fields: Sequence[str] = COUNT_FIELDS) -> QuerySet[Note]:
    """`notes` annotated with `count_annotations(fields=fields)`."""
    return notes.annotate(**count_annotations(fields=fields))


def counts_of(likes: int, collects: int, comments: int) -> NoteCounts:
    """The NoteCounts of a `with_counts` row (shards may go negative; a count never shows below 0)."""
    return NoteCounts(likes=max(likes, 0), collects=max(collects, 0), comments=max(comments, 0))


def _board_visible(viewer: User | None, board: Board) -> bool:
    if viewer is not None and viewer.pk == board.owner_id:
        return True
    if not board.is_public:
        return False
    return members_visible_to(viewer).filter(pk=board.owner_id).exists()


def _board_not_found() -> NotFound:
    return NotFound(_("This board does not exist or is not visible to you."), code="board_not_found")


def access_board(*, viewer: Viewer, board_id: int) -> Board:
    """A board the viewer may see: their own, or a public one of an active member outside a blocked pair."""
    board = Board.objects.select_related("owner", "owner__avatar").filter(pk=board_id).first()
    if board is None or not _board_visible(_member(viewer), board):
        raise _board_not_found()
    return board


def board_of_owner(*, owner: User, board_id: int) -> Board:
    """`owner`'s board to change or collect into: 403 on someone else's visible board, 404 otherwise."""
    board = access_board(viewer=owner, board_id=board_id)
    if board.owner_id != owner.pk:
        raise Forbidden(_("This board belongs to someone else."), code="not_board_owner")
    return board


def boards_of(*, viewer: Viewer, owner: User) -> list[Board]:
    """`owner`'s boards the viewer may see (the owner sees all), the default board first."""
    member = _member(viewer)
    boards = Board.objects.filter(owner=owner).select_related("owner", "owner__avatar")
    if member is None or member.pk != owner.pk:
        boards = boards.filter(is_public=True)
    return list(boards.order_by("-is_default", "id"))


def _notes_page(rows: QuerySet[Interaction], viewer: Viewer, cursor: str | None, limit: int) -> Page[Note]:
    """Page like/collect rows by their own ID, keeping only notes the viewer may read (mutes left out)."""
    listed = Note.objects.listed_for(viewer).filter(status=Note.Status.PUBLISHED)
    page = paginate_by_id(rows.filter(note__in=listed.values("pk")), cursor=cursor, limit=limit)
    ids = [row.note_id for row in page.items]
    notes = {note.pk: note for note in notes_hydrated(Note.objects.visible_to(viewer).filter(pk__in=ids))}
    return Page(items=[notes[i] for i in ids if i in notes], next_cursor=page.next_cursor)


def board_notes_page(
    *, viewer: Viewer, board: Board, cursor: str | None, limit: int = DEFAULT_LIMIT
) -> Page[Note]:
    """Notes in a board reached through `access_board`, most recently collected first."""
    return _notes_page(Collect.objects.filter(board=board), viewer, cursor, limit)


def liked_notes_page(
    *, viewer: Viewer, owner: User, cursor: str | None, limit: int = DEFAULT_LIMIT
) -> Page[Note]:
    """Notes `owner` liked, if they show their likes (or it is their own list)."""
    member = _member(viewer)
    if not owner.likes_public and (member is None or member.pk != owner.pk):
        raise Forbidden(_("This member keeps their likes private."), code="likes_hidden")
    return _notes_page(Like.objects.filter(user=owner), viewer, cursor, limit)


def likes_and_collects_received(*, author: User) -> int:
    """Likes plus collects on all of `author`'s notes: one aggregate over their counter shards."""
    totals = NoteCounter.objects.filter(note__author=author).aggregate(
        likes=Sum("likes"), collects=Sum("collects")
    )
    return max((totals["likes"] or 0) + (totals["collects"] or 0), 0)
