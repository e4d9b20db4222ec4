"""Notification reads: what a member is shown is filtered again at read time, so a block, a note turned
private or a deleted comment after the fact hides the notification too."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Literal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from hongshu.accounts.models import User
from hongshu.core.pagination import DEFAULT_LIMIT, Page, keyset_page
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note, NoteImage
from hongshu.notifications.models import Notification, NotificationActor
from hongshu.social.querysets import blocked_with

Kind = Notification.Kind
Category = Literal["likes", "comments", "follows"]
# The three tabs of a RedNote-style inbox: likes and collects, comments and @mentions, new followers.
CATEGORIES: dict[str, list[str]] = {
    "likes": [Kind.LIKE, Kind.COLLECT, Kind.COMMENT_LIKE],
    "comments": [Kind.COMMENT, Kind.REPLY, Kind.MENTION],
    "follows": [Kind.FOLLOW, Kind.FOLLOW_REQUEST],
}
ACTORS_SHOWN = 3
UNREAD_CAP = 99  # badges show "99+"; counting stops there so the count stays cheap


@dataclass(frozen=True)
class NotificationView:
    notification: Notification
    actors: list[User]  # latest first, at most ACTORS_SHOWN
    cover: MediaAsset | None  # the note's first image


NotificationPage = Page[NotificationView]


@dataclass(frozen=True)
class UnreadCount:
    count: int
    more: bool  # more than `count` (UNREAD_CAP) unread
    by_category: dict[str, int]


def _visible_actors(recipient: User) -> QuerySet[NotificationActor]:
    return NotificationActor.objects.filter(actor__is_active=True).exclude(
        blocked_with(recipient.pk, "actor_id")
    )


def _shown(recipient: User, category: Category | None = None) -> QuerySet[Notification]:
    """The recipient's notifications about things they may still see, from actors they may still see."""
    readable = Note.objects.visible_to(recipient).filter(pk=OuterRef("note_id"))
    rows = Notification.objects.filter(
        Q(note__isnull=True) | Exists(readable),
        Q(comment__isnull=True) | Q(comment__deleted_at__isnull=True),
        Q(kind__in=[Kind.REPORT_OUTCOME, Kind.MODERATION_ACTION, Kind.APPEAL_DECIDED])
        | Exists(_visible_actors(recipient).filter(notification_id=OuterRef("pk"))),
        recipient=recipient,
    )
    return rows.filter(kind__in=CATEGORIES[category]) if category else rows


def notifications_page(
    *, recipient: User, category: Category | None = None, cursor: str | None, limit: int = DEFAULT_LIMIT
) -> NotificationPage:
    """Newest activity first, hydrated in three queries whatever the page holds."""
    page = keyset_page(
        _shown(recipient, category).select_related("note", "comment"),
        cursor=cursor,
        limit=limit,
        key="sort_key",
    )
    ids = [n.pk for n in page.items]
    actors: dict[int, list[User]] = defaultdict(list)
    if ids:
        rows = (
            _visible_actors(recipient)
            .filter(notification_id__in=ids)
            .select_related("actor", "actor__avatar")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("notification_id")],
                    order_by=[F("acted_at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=ACTORS_SHOWN)
            .order_by("notification_id", "rank")
        )
        for row in rows:
            actors[row.notification_id].append(row.actor)
    note_ids = {n.note_id for n in page.items if n.note_id}
    covers = (
        {
            image.note_id: image.media
            for image in NoteImage.objects.filter(note_id__in=note_ids, position=0).select_related("media")
        }
        if note_ids
        else {}
    )
    items = [
        NotificationView(notification=n, actors=actors[n.pk], cover=covers.get(n.note_id or 0))
        for n in page.items
    ]
    return NotificationPage(items=items, next_cursor=page.next_cursor)


def notifications_unread(*, recipient: User) -> UnreadCount:
    """Unread notifications, in total and per category, counted up to UNREAD_CAP in one bounded query."""
    kinds = list(
        _shown(recipient)
        .filter(read_at__isnull=True)
        .order_by("-sort_key")
        .values_list("kind", flat=True)[: UNREAD_CAP + 1]
    )
    counted = Counter(kinds[:UNREAD_CAP])
    by_category = {name: sum(counted[k] for k in members) for name, members in CATEGORIES.items()}
    return UnreadCount(
        count=min(len(kinds), UNREAD_CAP), more=len(kinds) > UNREAD_CAP, by_category=by_category
    )
