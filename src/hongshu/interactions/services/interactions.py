"""Likes, boards and collects. Each write keeps the note's sharded counters in step, in one transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import Conflict, InvalidInput, NotFound, field_error
from hongshu.core.events import announce_on_commit
from hongshu.core.text import check_length, clean_input
from hongshu.interactions.models import Board, Collect, Like
from hongshu.interactions.selectors import board_of_owner
from hongshu.interactions.services.counters import counter_add
from hongshu.notes.models import Note
from hongshu.screening.services import raise_if_rejected, screen

BOARD_NAME_MAX = 20
BOARD_NAME_CODE_POINTS = 400  # Board.name's column: a grapheme can carry many combining marks
BOARDS_MAX = 200


def _readable_published(*, user: User, note_id: int) -> Note:
    """The note if `user` may read it (the one policy: blocks, privacy, deletion) and it is published.

    Drafts are reachable by their author only, and are not something one likes or collects.
    """
    note = Note.objects.visible_to(user).filter(pk=note_id, status=Note.Status.PUBLISHED).first()
    if note is None:
        raise NotFound(_("This note does not exist or is not visible to you."), code="note_not_found")
    return note


def like_create(*, user: User, note_id: int) -> Like:
    """Like a note `user` may read. Liking twice is a 409 `already_liked`."""
    note = _readable_published(user=user, note_id=note_id)
    try:
        with transaction.atomic():
            like = Like.objects.create(user=user, note=note)
            counter_add(note_id=note.pk, field="likes", delta=1)
            announce_on_commit("like_added", user.pk, note.pk)
    except IntegrityError as exc:
        raise Conflict(_("You already like this note."), code="already_liked") from exc
    return like


def like_delete(*, user: User, note_id: int) -> None:
    """Take back a like. By ID, not through the policy: one may undo a like on a note no longer visible."""
    with transaction.atomic():
        deleted, _rows = Like.objects.filter(user=user, note_id=note_id).delete()
        if not deleted:
            raise NotFound(_("You do not like this note."), code="not_liked")
        counter_add(note_id=note_id, field="likes", delta=-1)


def _clean_board_name(name: str) -> str:
    name = clean_input(name, field="name", single_line=True, strip_format=True)
    if not name:
        raise field_error("name", _("Give your board a name."), code="board_name_required")
    check_length(
        name,
        field="name",
        graphemes=BOARD_NAME_MAX,
        code_points=BOARD_NAME_CODE_POINTS,
        message=_("Board names are at most 20 characters."),
        code="board_name_too_long",
    )
    return name


def _name_taken() -> Conflict:
    return Conflict(_("You already have a board with this name."), code="board_name_taken")


def board_default(*, owner: User) -> Board:
    """The member's default board, created on first need (a partial unique index keeps it single)."""
    board = Board.objects.filter(owner=owner, is_default=True).first()
    if board is not None:
        return board
    try:
        with transaction.atomic():
            return Board.objects.create(owner=owner, name="", is_default=True)
    except IntegrityError:  # created concurrently by another request of the same member
        return Board.objects.get(owner=owner, is_default=True)


def _screen_board_name(owner: User, name: str, board_id: int | None) -> None:
    """A board's name is screened like any text others may read; a short label cannot wait unseen for
    review, so a hold refuses it too."""
    subject = f"board:{board_id}" if board_id else f"member:{owner.pk}"
    verdict = screen(kind="board", subject=subject, author_id=owner.pk, fields={"name": name})
    raise_if_rejected(verdict, holds_reject=True)


def board_create(*, owner: User, name: str, is_public: bool = False) -> Board:
    """A named board. The default board is created with it if missing: reads never create it (a GET
    creates no row), so this keeps "a member with boards has a default one to move notes back into"."""
    name = _clean_board_name(name)
    _screen_board_name(owner, name, None)
    if Board.objects.filter(owner=owner).count() >= BOARDS_MAX:
        raise InvalidInput(_("You have reached the maximum number of boards."), code="too_many_boards")
    board_default(owner=owner)
    try:
        with transaction.atomic():
            return Board.objects.create(owner=owner, name=name, is_public=is_public)
    except IntegrityError as exc:
        raise _name_taken() from exc


def board_update(
    *, owner: User, board_id: int, name: str | None = None, is_public: bool | None = None
) -> Board:
    """Rename a board or change who sees it. The default board keeps its (translated) name."""
    board = board_of_owner(owner=owner, board_id=board_id)
    changed: list[str] = []
    if name is not None:
        if board.is_default:
            raise InvalidInput(_("The default board cannot be renamed."), code="default_board_fixed")
        board.name = _clean_board_name(name)
        _screen_board_name(owner, board.name, board.pk)
        changed.append("name")
    if is_public is not None:
        board.is_public = is_public
        changed.append("is_public")
    if changed:
        try:
            with transaction.atomic():
                board.save(update_fields=changed)
        except IntegrityError as exc:
            raise _name_taken() from exc
    return board


def board_delete(*, owner: User, board_id: int) -> None:
    """Delete a named board. Its notes stay collected: they move to the default board."""
    board = board_of_owner(owner=owner, board_id=board_id)
    if board.is_default:
        raise InvalidInput(_("The default board cannot be deleted."), code="default_board_fixed")
    with transaction.atomic():
        Collect.objects.filter(board=board).update(board=board_default(owner=owner))
        board.delete()


def collect_into(
    *, user: User, note_id: int, board_id: int | None = None, new_board_name: str | None = None
) -> Collect:
    """Collect a readable note into a new board named `new_board_name`, or the caller's board `board_id`,
    or else their default board (created here on first need). Naming both is a 422.

    One transaction: when the collect is refused (already collected), the new board is not kept either.
    """
    if new_board_name is not None and board_id is not None:
        raise field_error(
            "new_board_name",
            _("Choose a board or name a new one, not both."),
            code="board_choice_ambiguous",
        )
    note = _readable_published(user=user, note_id=note_id)
    try:
        with transaction.atomic():
            if new_board_name is not None:
                board = board_create(owner=user, name=new_board_name)
            elif board_id is not None:
                board = board_of_owner(owner=user, board_id=board_id)
            else:
                board = board_default(owner=user)
            collect = Collect.objects.create(user=user, note=note, board=board)
            counter_add(note_id=note.pk, field="collects", delta=1)
            announce_on_commit("collect_added", user.pk, note.pk)
    except IntegrityError as exc:
        raise Conflict(_("You have already collected this note."), code="already_collected") from exc
    return collect


def collect_create(*, user: User, note_id: int, board_id: int | None = None) -> Collect:
    """Collect a readable note into one of the caller's boards (the default board when none is named)."""
    return collect_into(user=user, note_id=note_id, board_id=board_id)


def _collect_of(*, user: User, note_id: int) -> Collect:
    collect = Collect.objects.filter(user=user, note_id=note_id).first()
    if collect is None:
        raise NotFound(_("You have not collected this note."), code="not_collected")
    return collect


def collect_move(*, user: User, note_id: int, board_id: int) -> Collect:
    """Move a collected note to another of the caller's boards (by ID, like `collect_delete`)."""
    collect = _collect_of(user=user, note_id=note_id)
    collect.board = board_of_owner(owner=user, board_id=board_id)
    collect.save(update_fields=["board"])
    return collect


def collect_delete(*, user: User, note_id: int) -> None:
    """Uncollect. By ID, not through the policy: one may tidy away a note that is no longer visible."""
    with transaction.atomic():
        deleted, _rows = Collect.objects.filter(user=user, note_id=note_id).delete()
        if not deleted:
            raise NotFound(_("You have not collected this note."), code="not_collected")
        counter_add(note_id=note_id, field="collects", delta=-1)
