"""Comment writes: comment on a note, reply, delete, like. Each keeps the note's comment count in step and
queues its notifications to be recorded after commit (the job re-checks blocks and visibility)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.comments.models import Comment, CommentLike, CommentMention
from hongshu.comments.selectors import access_comment, comment_not_found, is_live
from hongshu.core.errors import Conflict, Forbidden, NotFound, field_error
from hongshu.core.events import announce_on_commit
from hongshu.core.jobs import enqueue_on_commit
from hongshu.core.pagination import id_batches
from hongshu.core.text import check_length, clean_input
from hongshu.interactions.models import NoteCounter
from hongshu.interactions.services import counter_add
from hongshu.notes.models import Note
from hongshu.notes.selectors import access_note
from hongshu.notes.services import MENTION
from hongshu.screening.services import announce_held, raise_if_rejected, screen
from hongshu.social.querysets import members_visible_to
from hongshu.textlib.detection import detect_language

COMMENT_MAX = 500
COMMENT_CODE_POINTS = 16 * COMMENT_MAX  # a grapheme can carry many combining marks
# Linked (and notified) mentions per comment: more than this is how mention spam looks.
MENTIONS_MAX = 10


def _clean_body(body: str) -> str:
    body = clean_input(body, field="body")
    if not body:
        raise field_error("body", _("Write something first."), code="comment_required")
    check_length(
        body,
        field="body",
        graphemes=COMMENT_MAX,
        code_points=COMMENT_CODE_POINTS,
        message=_("Comments are at most 500 characters."),
        code="comment_too_long",
    )
    return body


def _mentioned(author: User, body: str) -> list[User]:
    """Members named as `@handle` (first MENTIONS_MAX) whom the author may see, except the author."""
    handles = list(dict.fromkeys(handle.lower() for handle in MENTION.findall(body)))[:MENTIONS_MAX]
    if not handles:
        return []
    return list(
        members_visible_to(author)
        .annotate(handle_key=Lower("handle"))
        .filter(handle_key__in=handles)
        .exclude(pk=author.pk)
    )


def _deleted_conflict() -> Conflict:
    return Conflict(_("This comment was deleted."), code="comment_deleted")


def _write(*, author: User, note: Note, body: str, parent: Comment | None = None) -> Comment:
    body = _clean_body(body)
    mentioned = _mentioned(author, body)
    comment = Comment(
        note=note,
        author=author,
        root=(parent.root or parent) if parent else None,
        parent=parent,
        reply_to=parent.author if parent else None,
        body=body,
        language=detect_language(body),
    )
    verdict = screen(
        kind="comment",
        subject=f"comment:{comment.pk}",
        author_id=author.pk,
        fields={"body": body},
        language=comment.language,
        burst_field="body",
    )
    raise_if_rejected(verdict)
    comment.held = verdict.held
    with transaction.atomic():
        comment.save(force_insert=True)
        CommentMention.objects.bulk_create([CommentMention(comment=comment, user=u) for u in mentioned])
        if comment.held:  # counted and announced when a moderator releases it
            announce_held(verdict=verdict, subject=f"comment:{comment.pk}", language=comment.language)
        else:
            counter_add(note_id=note.pk, field="comments", delta=1)
            # Notifications decide whom to tell (reply, comment, mentions) from the committed rows.
            announce_on_commit("comment_posted", comment.pk)
    return comment


def comment_set_held(*, comment_id: int, held: bool) -> bool:
    """Hold a live comment pending review, or release a held one (moderation): the note's count and the
    notifications follow. False when the comment was already so, or is deleted."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(pk=comment_id, deleted_at__isnull=True).first()
        if comment is None or comment.held == held:
            return False
        Comment.objects.filter(pk=comment.pk).update(held=held)
        counter_add(note_id=comment.note_id, field="comments", delta=-1 if held else 1)
        if not held:
            announce_on_commit("comment_posted", comment.pk)
    return True


def comment_set_removed(*, comment_id: int, removed: bool, staff_id: int | None = None) -> bool:
    """Moderation's removal switch: delete a comment (shown as deleted, as when its author deletes it), or
    bring back one a moderator removed; the note's count follows. False when it was not in the state to
    switch from."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
        if comment is None or (comment.deleted_at is None) != removed:
            return False
        if removed:
            Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now(), deleted_by_id=staff_id)
        else:
            Comment.objects.filter(pk=comment.pk).update(deleted_at=None, deleted_by=None)
        if not comment.held:
            counter_add(note_id=comment.note_id, field="comments", delta=-1 if removed else 1)
    return True


def comment_create(*, author: User, note_id: int, body: str) -> Comment:
    """Comment on a published note `author` may read (the policy: a blocked pair gets NotFound)."""
    note = access_note(viewer=author, note_id=note_id)
    if note.status != Note.Status.PUBLISHED:
        raise NotFound(_("This note does not exist or is not visible to you."), code="note_not_found")
    return _write(author=author, note=note, body=body)


def comment_reply(*, author: User, comment_id: int, body: str) -> Comment:
    """Reply to a comment or to a reply; the reply joins the thread of the root and names whom it answers.

    Replying to a deleted comment is a 409 `comment_deleted`; to one hidden from `author`, NotFound.
    """
    parent = access_comment(viewer=author, comment_id=comment_id)
    if not is_live(parent):
        raise _deleted_conflict()
    return _write(author=author, note=parent.note, body=body, parent=parent)


def comment_delete(*, actor: User, comment_id: int) -> Comment:
    """Delete a comment: its author may, and so may the author of the note it is on.

    By ID rather than through the policy for those two, so a commenter can remove their words from a note
    that is no longer visible to them. Anyone else gets Forbidden if they can see it, else NotFound.
    """
    comment = Comment.objects.select_related("note").filter(pk=comment_id, deleted_at__isnull=True).first()
    if comment is None:
        raise comment_not_found()
    if actor.pk not in (comment.author_id, comment.note.author_id):
        access_comment(viewer=actor, comment_id=comment_id)
        raise Forbidden(
            _("Only the comment's author or the note's author can delete it."), code="not_comment_owner"
        )
    with transaction.atomic():
        deleted = Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=actor
        )
        if (
            deleted and not comment.held
        ):  # a concurrent deletion already took the count down; held: never counted
            counter_add(note_id=comment.note_id, field="comments", delta=-1)
    return comment


def comment_like(*, user: User, comment_id: int) -> Comment:
    """Like a visible, live comment; twice is a 409 `already_liked`. Returns it with its new count."""
    comment = access_comment(viewer=user, comment_id=comment_id)
    if not is_live(comment):
        raise _deleted_conflict()
    try:
        with transaction.atomic():
            CommentLike.objects.create(user=user, comment=comment)
            Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
            announce_on_commit("comment_liked", user.pk, comment.pk)
    except IntegrityError as exc:
        raise Conflict(_("You already like this comment."), code="already_liked") from exc
    comment.refresh_from_db(fields=["like_count"])
    return comment


def comment_unlike(*, user: User, comment_id: int) -> None:
    """Take back a like, by ID (one may undo a like on a comment that is no longer visible)."""
    with transaction.atomic():
        deleted, _rows = CommentLike.objects.filter(user=user, comment_id=comment_id).delete()
        if not deleted:
            raise NotFound(_("You do not like this comment."), code="not_liked")
        Comment.objects.filter(pk=comment_id).update(like_count=F("like_count") - 1)


def comment_counts_reconcile(*, note_ids: Iterable[int]) -> int:
    """Repair notes' comment counts from the comment table; returns how many had drifted.

    Drift comes from deletions that bypass the services (an account deleted with its comments). As in
    `interactions.services.counter_reconcile`: with the note's counter shards locked, a writer that already
    touched a shard has committed (so it is counted) and one still waiting has not (it adds its own 1 after).
    """
    drifted = 0
    for note_id in dict.fromkeys(note_ids):
        with transaction.atomic():
            NoteCounter.objects.bulk_create([NoteCounter(note_id=note_id, shard=0)], ignore_conflicts=True)
            shards = list(NoteCounter.objects.select_for_update().filter(note_id=note_id).order_by("shard"))
            exact = Comment.objects.filter(note_id=note_id, deleted_at__isnull=True, held=False).count()
            delta = exact - sum(shard.comments for shard in shards)
            if delta:
                NoteCounter.objects.filter(note_id=note_id, shard=0).update(comments=F("comments") + delta)
                drifted += 1
    return drifted


LIKE_RECONCILE_BATCH = 500


def comment_like_counts_reconcile(*, comment_ids: Iterable[int]) -> int:
    """Recount comments' likes from the comment like table; returns how many had drifted.

    The comments are locked first (in ID order): a liker that already raised a count holds its row, so we
    wait until it commits and the count below sees its like; one that has not yet is not counted, and adds
    its own 1 after we commit. Comments that no longer exist are skipped.
    """
    ids = sorted(set(comment_ids))
    with transaction.atomic():
        stored = dict(
            Comment.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "like_count")
        )
        exact = dict(
            CommentLike.objects.filter(comment_id__in=list(stored))
            .values("comment_id")
            .annotate(n=Count("id"))
            .values_list("comment_id", "n")
        )
        drifted = [
            Comment(pk=pk, like_count=exact.get(pk, 0))
            for pk, count in stored.items()
            if count != exact.get(pk, 0)
        ]
        Comment.objects.bulk_update(drifted, ["like_count"])
    return len(drifted)


def comment_like_counts_reconcile_member_on_commit(
    *, member_id: int, batch_size: int = LIKE_RECONCILE_BATCH
) -> None:
    """Queue, for after commit, recounting the likes of every comment `member_id` liked.

    Call it in the transaction that deletes the member, before the deletion, whose cascade takes their
    comment likes without `comment_unlike`. Read in keyset batches on the (user, comment) unique index, one
    job per `batch_size` comments, so a member with many likes costs bounded jobs.
    """
    from hongshu.comments.tasks import reconcile_comment_like_counts_task  # the tasks module imports us

    liked = CommentLike.objects.filter(user_id=member_id).exclude(comment__author_id=member_id)
    for comment_ids in id_batches(liked, field="comment_id", size=batch_size):
        enqueue_on_commit(reconcile_comment_like_counts_task, [str(i) for i in comment_ids])


def comments_purge(*, before: datetime, batch: int = 500) -> int:
    """Remove for good the comments deleted before `before`, and return how many went.

    A deleted reply goes with its likes and mentions. A deleted root goes too unless a live reply still
    hangs under it: then it stays as the thread's "deleted" placeholder, its words blanked, and goes with
    its last reply. Translations of the removed words follow through the `comments_purged` event.
    """
    purged = 0
    old = Comment.objects.filter(deleted_at__lt=before)
    live_replies = Comment.objects.filter(root=OuterRef("pk"), deleted_at__isnull=True)
    while True:
        with transaction.atomic():
            ids = list(old.exclude(Exists(live_replies)).order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            # A root's deleted replies go with it (the cascade), so count what is really removed.
            gone = list(
                Comment.objects.filter(Q(pk__in=ids) | Q(root_id__in=ids)).values_list("pk", flat=True)
            )
            Comment.objects.filter(pk__in=ids).delete()
            announce_on_commit("comments_purged", gone)
        purged += len(gone)
    placeholders = old.filter(Exists(live_replies)).exclude(body="")
    blanked = list(placeholders.values_list("pk", flat=True))
    if blanked:
        with transaction.atomic():
            Comment.objects.filter(pk__in=blanked).update(body="")
            announce_on_commit("comments_purged", blanked)
    return purged
