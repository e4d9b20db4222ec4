"""Notification endpoints: the inbox, unread counts, marking read. Thin adapters."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth
from hongshu.api.accounts import AccountOut
from hongshu.api.schemas.media import MediaOut
from hongshu.api.schemas.pages import CursorPage
from hongshu.core.schemas import PathId
from hongshu.notifications import selectors, services
from hongshu.notifications.selectors import Category, NotificationView, UnreadCount

router = Router(tags=["notifications"])


class InboxIn(Schema):
    cursor: str | None = Field(default=None, max_length=48)
    limit: int = Field(default=20, ge=1, le=50)
    category: Category | None = None


class CategoryIn(Schema):
    category: Category | None = None


class NoteRefOut(Schema):
    id: str
    title: str
    cover: MediaOut | None


class CommentRefOut(Schema):
    id: str
    root_id: str | None
    body: str


class NotificationOut(Schema):
    """`actors` are the latest (up to three) of `actor_count` members; likes and collects are grouped."""

    id: str
    kind: str
    actors: list[AccountOut]
    actor_count: int
    note: NoteRefOut | None
    comment: CommentRefOut | None
    created_at: datetime
    updated_at: datetime
    read: bool
    data: dict[str, str] = Field(
        default_factory=dict,
        description="facts of a notification no member caused: for report_outcome, decision (upheld or "
        "dismissed), subject_type and rule; for moderation_action, action (its statement of reasons: "
        "GET /me/decisions), kind and rule; for appeal_decided, appeal, action, kind and outcome (upheld or "
        "overturned)",
    )

    @classmethod
    def of(cls, view: NotificationView) -> NotificationOut:
        n = view.notification
        note = n.note
        comment = n.comment
        return cls(
            id=str(n.pk),
            kind=n.kind,
            actors=[AccountOut.of(a) for a in view.actors],
            actor_count=n.actor_count,
            note=NoteRefOut(
                id=str(note.pk), title=note.title, cover=MediaOut.of(view.cover) if view.cover else None
            )
            if note
            else None,
            comment=CommentRefOut(
                id=str(comment.pk),
                root_id=str(comment.root_id) if comment.root_id else None,
                body=comment.body,
            )
            if comment
            else None,
            created_at=n.created_at,
            updated_at=n.updated_at,
            read=n.read_at is not None,
            data={str(k): str(v) for k, v in (n.data or {}).items()},
        )


class NotificationPageOut(CursorPage[NotificationOut]):
    pass


class UnreadOut(Schema):
    """Unread notifications, counted up to 99; `more` means "99+"."""

    count: int
    more: bool
    likes: int
    comments: int
    follows: int

    @classmethod
    def of(cls, unread: UnreadCount) -> UnreadOut:
        return cls(count=unread.count, more=unread.more, **unread.by_category)


class MarkedOut(Schema):
    marked: int


@router.get("/notifications", response=NotificationPageOut, auth=member_auth, summary="Your notifications")
def inbox(request: HttpRequest, page: Query[InboxIn]) -> NotificationPageOut:
    return NotificationPageOut.of(
        selectors.notifications_page(
            recipient=current_member(request), category=page.category, cursor=page.cursor, limit=page.limit
        ),
        NotificationOut.of,
    )


@router.get("/notifications/unread", response=UnreadOut, auth=member_auth, summary="Unread counts")
def unread(request: HttpRequest) -> UnreadOut:
    return UnreadOut.of(selectors.notifications_unread(recipient=current_member(request)))


@router.post(
    "/notifications/{notification_id}/read", response={204: None}, auth=member_auth, summary="Mark one read"
)
def mark_read(request: HttpRequest, notification_id: PathId) -> Status[None]:
    services.notification_mark_read(recipient=current_member(request), notification_id=notification_id)
    return Status(204, None)


@router.post("/notifications/read", response=MarkedOut, auth=member_auth, summary="Mark all read")
def mark_all_read(request: HttpRequest, payload: Query[CategoryIn]) -> MarkedOut:
    kinds = selectors.CATEGORIES[payload.category] if payload.category else None
    return MarkedOut(
        marked=services.notifications_mark_all_read(recipient=current_member(request), kinds=kinds)
    )
