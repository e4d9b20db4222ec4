"""Explore (personalized for a member signed in by token or cookie, the trending mix for visitors) and the
member's "not interested" marks that shape it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth, request_user
from hongshu.api.notes import NotePage, PageQuery
from hongshu.api.schemas.pages import CursorPage
from hongshu.core.schemas import IdStr
from hongshu.discovery import selectors, services
from hongshu.discovery.models import NotInterested

router = Router(tags=["feeds"])

Kind = Literal["note", "author", "topic"]


class ExploreQuery(Schema):
    cursor: str | None = Field(default=None, max_length=40)
    limit: int = Field(default=20, ge=1, le=50)


@router.get("/feeds/explore", response=NotePage, summary="Explore: notes picked for you")
def explore(request: HttpRequest, page: Query[ExploreQuery]) -> NotePage:
    viewer = request_user(request)
    return NotePage.of_notes(
        selectors.feed_explore(
            viewer=viewer, cursor=page.cursor, limit=page.limit, language=get_language() or "en"
        ),
        viewer=viewer,
    )


class NotInterestedIn(Schema):
    kind: Kind
    id: IdStr | None = None
    name: str | None = Field(default=None, max_length=200)


class NotInterestedOut(Schema):
    kind: str
    id: str
    name: str
    created_at: datetime

    @classmethod
    def of(cls, mark: NotInterested, names: dict[tuple[str, int], str]) -> NotInterestedOut:
        return cls(
            kind=mark.kind,
            id=str(mark.target_id),
            name=names.get((mark.kind, mark.target_id), ""),
            created_at=mark.created_at,
        )


class NotInterestedPage(CursorPage[NotInterestedOut]):
    pass


@router.post(
    "/not-interested",
    response={201: NotInterestedOut},
    auth=member_auth,
    summary="Stop offering a note, an author or a topic in Explore",
)
def not_interested_add(request: HttpRequest, payload: NotInterestedIn) -> Status[NotInterestedOut]:
    member = current_member(request)
    mark = services.not_interested_add(
        member=member,
        kind=payload.kind,
        target_id=int(payload.id) if payload.id else None,
        name=payload.name,
    )
    return Status(201, NotInterestedOut.of(mark, selectors.not_interested_names([mark])))


@router.get(
    "/not-interested", response=NotInterestedPage, auth=member_auth, summary="Your not-interested marks"
)
def not_interested_list(request: HttpRequest, page: Query[PageQuery]) -> NotInterestedPage:
    marks = selectors.not_interested_list(
        member=current_member(request), cursor=page.cursor, limit=page.limit
    )
    names = selectors.not_interested_names(marks.items)
    return NotInterestedPage.of(marks, lambda mark: NotInterestedOut.of(mark, names))


@router.delete(
    "/not-interested/{kind}/{target}",
    response={204: None},
    auth=member_auth,
    summary="Undo a not-interested mark (target: an id, an author's handle or a topic's name)",
)
def not_interested_remove(request: HttpRequest, kind: Kind, target: str) -> Status[None]:
    numeric = target.isascii() and target.isdigit()
    target_id = int(target) if numeric else None
    services.not_interested_remove(
        member=current_member(request),
        kind=kind,
        target_id=target_id,
        name=None if target_id is not None else target,
    )
    return Status(204, None)
