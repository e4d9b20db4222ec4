"""Comment endpoints: thin adapters over comments.services / comments.selectors."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth, request_user
from hongshu.api.accounts import AccountOut
from hongshu.api.schemas.pages import CursorPage
from hongshu.comments import selectors, services
from hongshu.comments.selectors import CommentView
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.core.schemas import PathId

router = Router(tags=["comments"])


class CommentIn(Schema):
    # Generous: the service answers "at most 500 characters" (counted in graphemes) itself.
    body: str = Field(max_length=20000)


class PageIn(Schema):
    cursor: str | None = Field(default=None, max_length=48)
    limit: int = Field(default=20, ge=1, le=50)


class RootPageIn(PageIn):
    sort: Literal["top", "latest"] = "top"


class ReplyOut(Schema):
    """A comment. When `deleted`, it is a placeholder kept for its replies: no author, body or mentions."""

    id: str
    note_id: str
    root_id: str | None
    parent_id: str | None
    author: AccountOut | None
    reply_to: AccountOut | None
    body: str
    language: str
    mentions: list[str]
    by_author: bool
    deleted: bool
    held: bool = Field(
        description="under review: shown to its author alone until a moderator has looked at it"
    )
    like_count: int
    liked: bool
    created_at: datetime

    @classmethod
    def fields_of(cls, view: CommentView) -> dict[str, object]:
        c = view.comment
        return {
            "id": str(c.pk),
            "note_id": str(c.note_id),
            "root_id": str(c.root_id) if c.root_id else None,
            "parent_id": str(c.parent_id) if c.parent_id else None,
            "author": AccountOut.of(c.author) if view.shown else None,
            "reply_to": AccountOut.of(view.reply_to) if view.reply_to else None,
            "body": c.body if view.shown else "",
            "language": c.language if view.shown else "und",
            "mentions": view.mentions,
            "by_author": view.by_author and view.shown,
            "deleted": not view.shown,
            "held": view.comment.held,
            "like_count": max(c.like_count, 0),
            "liked": view.liked,
            "created_at": c.created_at,
        }

    @classmethod
    def of(cls, view: CommentView) -> ReplyOut:
        return cls.model_validate(cls.fields_of(view))


class CommentOut(ReplyOut):
    """A root comment (or a reply: then `reply_count` is 0 and `replies` empty) with its first replies."""

    reply_count: int
    replies: list[ReplyOut]

    @classmethod
    def of(cls, view: CommentView) -> CommentOut:
        return cls.model_validate(
            {
                **cls.fields_of(view),
                "reply_count": view.reply_count,
                "replies": [ReplyOut.of(r) for r in view.replies],
            }
        )


class CommentPageOut(CursorPage[CommentOut]):
    pass


class ReplyPageOut(CursorPage[ReplyOut]):
    pass


class CommentLikeOut(Schema):
    comment_id: str
    like_count: int


@router.post(
    "/notes/{note_id}/comments", response={201: CommentOut}, auth=member_auth, summary="Comment on a note"
)
def create_comment(request: HttpRequest, note_id: PathId, payload: CommentIn) -> Status[CommentOut]:
    member = current_member(request)
    rate_limit_hit("comment_create", member=member, ip=client_ip(request))
    comment = services.comment_create(author=member, note_id=note_id, body=payload.body)
    return Status(201, CommentOut.of(selectors.comment_detail(viewer=member, comment_id=comment.pk)))


@router.get("/notes/{note_id}/comments", response=CommentPageOut, summary="Comments on a note")
def note_comments(request: HttpRequest, note_id: PathId, page: Query[RootPageIn]) -> CommentPageOut:
    return CommentPageOut.of(
        selectors.comments_of_note(
            viewer=request_user(request),
            note_id=note_id,
            sort=page.sort,
            cursor=page.cursor,
            limit=page.limit,
        ),
        CommentOut.of,
    )


@router.get("/comments/{comment_id}", response=CommentOut, summary="A comment with its first replies")
def get_comment(request: HttpRequest, comment_id: PathId) -> CommentOut:
    return CommentOut.of(selectors.comment_detail(viewer=request_user(request), comment_id=comment_id))


@router.delete("/comments/{comment_id}", response={204: None}, auth=member_auth, summary="Delete a comment")
def delete_comment(request: HttpRequest, comment_id: PathId) -> Status[None]:
    services.comment_delete(actor=current_member(request), comment_id=comment_id)
    return Status(204, None)


@router.post(
    "/comments/{comment_id}/replies", response={201: ReplyOut}, auth=member_auth, summary="Reply to a comment"
)
def reply(request: HttpRequest, comment_id: PathId, payload: CommentIn) -> Status[ReplyOut]:
    member = current_member(request)
    rate_limit_hit("comment_create", member=member, ip=client_ip(request))
    created = services.comment_reply(author=member, comment_id=comment_id, body=payload.body)
    return Status(201, ReplyOut.of(selectors.comment_detail(viewer=member, comment_id=created.pk)))


@router.get("/comments/{comment_id}/replies", response=ReplyPageOut, summary="Replies in a thread")
def replies(request: HttpRequest, comment_id: PathId, page: Query[PageIn]) -> ReplyPageOut:
    return ReplyPageOut.of(
        selectors.comment_replies(
            viewer=request_user(request), comment_id=comment_id, cursor=page.cursor, limit=page.limit
        ),
        ReplyOut.of,
    )


@router.post(
    "/comments/{comment_id}/like", response={201: CommentLikeOut}, auth=member_auth, summary="Like a comment"
)
def like(request: HttpRequest, comment_id: PathId) -> Status[CommentLikeOut]:
    member = current_member(request)
    rate_limit_hit("like", member=member, ip=client_ip(request))
    comment = services.comment_like(user=member, comment_id=comment_id)
    return Status(201, CommentLikeOut(comment_id=str(comment.pk), like_count=comment.like_count))


@router.delete(
    "/comments/{comment_id}/like", response={204: None}, auth=member_auth, summary="Unlike a comment"
)
def unlike(request: HttpRequest, comment_id: PathId) -> Status[None]:
    services.comment_unlike(user=current_member(request), comment_id=comment_id)
    return Status(204, None)
