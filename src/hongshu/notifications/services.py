"""Recording notifications (in background jobs) and marking them read.

Other apps call `notify_after_commit(...)` from inside their write transaction; the job then runs against
committed data and applies the rules in one place: no notification to oneself, none between a blocked pair,
none about a note or comment the recipient cannot see, none from or to an inactive account.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.comments.models import Comment, CommentMention
from hongshu.comments.selectors import access_comment, is_live
from hongshu.core.errors import NotFound
from hongshu.core.ids import next_id
from hongshu.core.jobs import enqueue_on_commit
from hongshu.notes.models import Note, NoteMention
from hongshu.notifications.models import Notification, NotificationActor
from hongshu.social.querysets import members_visible_to

Kind = Notification.Kind
# What a notification is about, which decides its group: several actors share the row of one target.
_TARGET = {
    Kind.LIKE: "note",
    Kind.COLLECT: "note",
    Kind.COMMENT_LIKE: "comment",
    Kind.COMMENT: "comment",
    Kind.REPLY: "comment",
    Kind.MENTION: "comment_or_note",
    Kind.FOLLOW: "actor",
    Kind.FOLLOW_REQUEST: "actor",
    Kind.REPORT_OUTCOME: "system",
    Kind.MODERATION_ACTION: "system",
    Kind.APPEAL_DECIDED: "system",
}


def _group_key(kind: str, actor_id: int, note_id: int | None, comment_id: int | None) -> str:
    target = _TARGET[Kind(kind)]
    if target == "system":
        raise ValueError(f"a {kind} notification has no actor: use system_notification_record")
    if target == "actor":
        return f"{kind}:account:{actor_id}"
    if target == "note" or (target == "comment_or_note" and comment_id is None):
        if note_id is None:
            raise ValueError(f"a {kind} notification needs note_id")
        return f"{kind}:note:{note_id}"
    if comment_id is None or note_id is None:
        raise ValueError(f"a {kind} notification needs note_id and comment_id")
    return f"{kind}:comment:{comment_id}"


def notify_after_commit(
    *,
    kind: str,
    actor_id: int,
    recipient_id: int,
    note_id: int | None = None,
    comment_id: int | None = None,
) -> None:
    """Queue a notification, recorded by a job once the caller's transaction commits (or at once outside one).

    Call it from inside the write's transaction so a rolled-back action notifies nobody. The arguments are
    checked here (unknown kind, missing target: ValueError — a programming error); the rules are applied
    by the job, against the committed state.
    """
    _group_key(kind, actor_id, note_id, comment_id)
    from hongshu.notifications.tasks import notify_task  # the tasks module imports this one

    enqueue_on_commit(
        notify_task,
        str(kind),
        str(actor_id),
        str(recipient_id),
        str(note_id) if note_id is not None else None,
        str(comment_id) if comment_id is not None else None,
    )


def _allowed(recipient: User, note_id: int | None, comment_id: int | None) -> bool:
    """The recipient may see what the notification is about (the comment's thread, else the note)."""
    if comment_id is not None:
        try:
            return is_live(access_comment(viewer=recipient, comment_id=comment_id))
        except NotFound:
            return False
    if note_id is not None:
        return Note.objects.visible_to(recipient).filter(pk=note_id, status=Note.Status.PUBLISHED).exists()
    return True


def notification_record(
    *, kind: str, actor_id: int, recipient_id: int, note_id: int | None, comment_id: int | None
) -> Notification | None:
    """Record (or add to) a notification, unless a rule forbids it; returns None then. Idempotent: the same
    actor causing the same notification again changes nothing (a like, unlike, like is not news twice)."""
    if actor_id == recipient_id:
        return None
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    # The account policy: an actor the recipient may not see (inactive, or a blocked pair) tells them nothing.
    if recipient is None or not members_visible_to(recipient).filter(pk=actor_id).exists():
        return None
    if not _allowed(recipient, note_id, comment_id):
        return None
    key = _group_key(kind, actor_id, note_id, comment_id)
    now = timezone.now()
    with transaction.atomic():
        # The lock serializes jobs adding actors to one group (a viral note's likes) on its row.
        rows = Notification.objects.select_for_update().filter(recipient_id=recipient_id, group_key=key)
        notification = rows.first()
        if notification is None:
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(
                        recipient_id=recipient_id,
                        kind=kind,
                        group_key=key,
                        note_id=note_id,
                        comment_id=comment_id,
                        created_at=now,
                        updated_at=now,
                    )
                    NotificationActor.objects.create(
                        notification=notification, actor_id=actor_id, acted_at=now
                    )
                    return notification
            except IntegrityError:  # another job created the group first: join it
                notification = rows.get()
        if NotificationActor.objects.filter(notification=notification, actor_id=actor_id).exists():
            return notification
        NotificationActor.objects.create(notification=notification, actor_id=actor_id, acted_at=now)
        notification.actor_count += 1
        notification.sort_key = next_id()
        notification.updated_at = now
        notification.read_at = None  # new activity makes the group unread again
        notification.save(update_fields=["actor_count", "sort_key", "updated_at", "read_at"])
    return notification


def system_notification_record(
    *, kind: str, recipient_id: int, key: str, data: dict[str, object]
) -> Notification | None:
    """Record a notification no member caused (the outcome of a report), once per `key`: the facts travel in
    `data` and are rendered in the recipient's language when read. None for an inactive recipient."""
    if _TARGET[Kind(kind)] != "system":
        raise ValueError(f"{kind} is caused by a member: use notification_record")
    if not User.objects.filter(pk=recipient_id, is_active=True).exists():
        return None
    now = timezone.now()
    notification, _created = Notification.objects.get_or_create(
        recipient_id=recipient_id,
        group_key=f"{kind}:{key}",
        defaults={"kind": kind, "data": data, "actor_count": 0, "created_at": now, "updated_at": now},
    )
    return notification


def note_mentions_notify(*, note_id: int) -> int:
    """Tell the members a note mentions (stored by `note_create`); returns how many were notified.

    Run as a job after the note commits; members who cannot see the note (a draft, followers only, a
    blocked pair) are not told.
    """
    author_id = Note.objects.filter(pk=note_id).values_list("author_id", flat=True).first()
    if author_id is None:
        return 0
    recipients = NoteMention.objects.filter(note_id=note_id).values_list("user_id", flat=True)
    recorded = [
        notification_record(
            kind=Kind.MENTION, actor_id=author_id, recipient_id=user_id, note_id=note_id, comment_id=None
        )
        for user_id in list(recipients)
    ]
    return sum(1 for n in recorded if n is not None)


def note_interaction_notify(*, kind: str, actor_id: int, note_id: int) -> Notification | None:
    """Tell a note's author of a like or a collect (the `like_added` / `collect_added` events)."""
    author_id = Note.objects.filter(pk=note_id).values_list("author_id", flat=True).first()
    if author_id is None:
        return None
    return notification_record(
        kind=kind, actor_id=actor_id, recipient_id=author_id, note_id=note_id, comment_id=None
    )


def comment_posted_notify(*, comment_id: int) -> int:
    """Who hears of a comment (the `comment_posted` event): the member answered (reply), the note's author
    (comment), then those it mentions (stored with it) — each once, under the most specific kind. Returns
    how many were notified."""
    row = (
        Comment.objects.filter(pk=comment_id)
        .values_list("author_id", "note_id", "note__author_id", "parent__author_id")
        .first()
    )
    if row is None:
        return 0
    author_id, note_id, note_author_id, parent_author_id = row
    told = {author_id}
    recipients: list[tuple[str, int]] = []
    if parent_author_id is not None:
        recipients.append((Kind.REPLY, parent_author_id))
        told.add(parent_author_id)
    if note_author_id not in told:
        recipients.append((Kind.COMMENT, note_author_id))
        told.add(note_author_id)
    mentioned = CommentMention.objects.filter(comment_id=comment_id).order_by("pk")
    for user_id in mentioned.values_list("user_id", flat=True):
        if user_id not in told:
            recipients.append((Kind.MENTION, user_id))
            told.add(user_id)
    recorded = [
        notification_record(
            kind=kind, actor_id=author_id, recipient_id=user_id, note_id=note_id, comment_id=comment_id
        )
        for kind, user_id in recipients
    ]
    return sum(1 for n in recorded if n is not None)


def comment_liked_notify(*, actor_id: int, comment_id: int) -> Notification | None:
    """Tell a comment's author it was liked (the `comment_liked` event)."""
    row = Comment.objects.filter(pk=comment_id).values_list("author_id", "note_id").first()
    if row is None:
        return None
    return notification_record(
        kind=Kind.COMMENT_LIKE, actor_id=actor_id, recipient_id=row[0], note_id=row[1], comment_id=comment_id
    )


def notification_mark_read(*, recipient: User, notification_id: int) -> None:
    # Coalesce: reading it again keeps the first time it was read.
    updated = Notification.objects.filter(pk=notification_id, recipient=recipient).update(
        read_at=Coalesce(F("read_at"), Value(timezone.now()))
    )
    if not updated:
        raise NotFound(_("This notification does not exist."), code="notification_not_found")


def notifications_mark_all_read(*, recipient: User, kinds: list[str] | None = None) -> int:
    """Mark every unread notification (of `kinds`, when given) read; returns how many changed."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if kinds is not None:
        unread = unread.filter(kind__in=kinds)
    return unread.update(read_at=timezone.now())
