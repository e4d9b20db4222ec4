"""Ninja schemas of the social API. `NoteCountsOut` is also part of every `NoteOut`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field, StrictBool

from hongshu.accounts.models import User
from hongshu.api.accounts import AccountOut
from hongshu.api.schemas.pages import CursorPage
from hongshu.core.schemas import IdStr
from hongshu.interactions.models import Board, Collect, Like
from hongshu.interactions.selectors import NoteCounts
from hongshu.social.models import Follow
from hongshu.social.selectors import AccountSocial

FollowState = Literal["pending", "accepted"]


class NoteCountsOut(Schema):
    likes: int
    collects: int
    comments: int

    @classmethod
    def of(cls, counts: NoteCounts) -> NoteCountsOut:
        return cls.model_construct(None, **note_counts_data(counts))


def note_counts_data(counts: NoteCounts) -> dict[str, int]:
    """`NoteCountsOut` as plain data, for JSON written by hand (search's cached pages): built directly,
    because dataclasses.asdict deep-copies recursively, a measurable share of a cached search's CPU."""
    return {"likes": counts.likes, "collects": counts.collects, "comments": counts.comments}


class AccountPage(CursorPage[AccountOut]):
    pass


class FollowOut(Schema):
    state: FollowState
    account: AccountOut

    @classmethod
    def of(cls, follow: Follow) -> FollowOut:
        return cls(state=follow.state, account=AccountOut.of(follow.followee))  # type: ignore[arg-type]


class FollowRequestOut(Schema):
    id: str
    account: AccountOut
    created_at: datetime

    @classmethod
    def of(cls, follow: Follow) -> FollowRequestOut:
        return cls(id=str(follow.pk), account=AccountOut.of(follow.follower), created_at=follow.created_at)


class FollowRequestPage(CursorPage[FollowRequestOut]):
    pass


class RelationshipOut(Schema):
    following: Literal["none", "pending", "accepted"]
    followed_by: bool
    blocking: bool
    muting: bool


class AccountSocialOut(Schema):
    handle: str
    is_private: bool
    follow_lists_hidden: bool
    likes_public: bool
    followers_count: int
    following_count: int
    relationship: RelationshipOut | None

    @classmethod
    def of(cls, social: AccountSocial) -> AccountSocialOut:
        account, rel = social.account, social.relationship
        return cls(
            handle=account.handle,
            is_private=account.is_private,
            follow_lists_hidden=account.hide_follow_lists,
            likes_public=account.likes_public,
            followers_count=social.followers,
            following_count=social.following,
            relationship=RelationshipOut(
                following=rel.following,  # type: ignore[arg-type]
                followed_by=rel.followed_by,
                blocking=rel.blocking,
                muting=rel.muting,
            )
            if rel
            else None,
        )


class PrivacyIn(Schema):
    is_private: StrictBool | None = None
    hide_follow_lists: StrictBool | None = None
    likes_public: StrictBool | None = None
    pending_requests: Literal["accept", "decline"] | None = Field(
        default=None,
        description=(
            "What becomes of pending follow requests when a private account turns public: `accept` makes "
            "every requester a follower, `decline` drops every request. Required (else 422 "
            "`pending_requests_choice_required`) when `is_private` goes from true to false while requests "
            "are pending; ignored otherwise."
        ),
    )


class PrivacyOut(Schema):
    is_private: bool
    hide_follow_lists: bool
    likes_public: bool

    @classmethod
    def of(cls, user: User) -> PrivacyOut:
        return cls(
            is_private=user.is_private,
            hide_follow_lists=user.hide_follow_lists,
            likes_public=user.likes_public,
        )


class LikeOut(Schema):
    note_id: str
    created_at: datetime
    counts: NoteCountsOut

    @classmethod
    def of(cls, like: Like, counts: NoteCounts) -> LikeOut:
        return cls(note_id=str(like.note_id), created_at=like.created_at, counts=NoteCountsOut.of(counts))


class CollectIn(Schema):
    """Into the board `board_id`, or a new board named `new_board_name` (not both), else the default board."""

    board_id: IdStr | None = None
    new_board_name: str | None = Field(default=None, max_length=1000)


class CollectMoveIn(Schema):
    board_id: IdStr


class CollectOut(Schema):
    note_id: str
    board_id: str
    created_at: datetime
    counts: NoteCountsOut

    @classmethod
    def of(cls, collect: Collect, counts: NoteCounts) -> CollectOut:
        return cls(
            note_id=str(collect.note_id),
            board_id=str(collect.board_id),
            created_at=collect.created_at,
            counts=NoteCountsOut.of(counts),
        )


class BoardIn(Schema):
    name: str = Field(max_length=1000)
    is_public: StrictBool = False


class BoardPatch(Schema):
    name: str | None = Field(default=None, max_length=1000)
    is_public: StrictBool | None = None


class BoardOut(Schema):
    id: str
    owner: AccountOut
    name: str
    is_default: bool
    is_public: bool
    created_at: datetime

    @classmethod
    def of(cls, board: Board) -> BoardOut:
        return cls(
            id=str(board.pk),
            owner=AccountOut.of(board.owner),
            # The default board has no stored name, so each reader sees it in their own language.
            name=str(_("Saved")) if board.is_default else board.name,
            is_default=board.is_default,
            is_public=board.is_public,
            created_at=board.created_at,
        )
