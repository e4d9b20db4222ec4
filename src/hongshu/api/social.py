"""Social endpoints: follows and requests, privacy, blocks, mutes, likes, boards and collects. Thin adapters."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from hongshu.accounts.auth import current_member, member_auth, request_user
from hongshu.accounts.selectors import account_by_handle
from hongshu.api.accounts import AccountOut
from hongshu.api.notes import NotePage, PageQuery
from hongshu.api.schemas.social import (
    AccountPage,
    AccountSocialOut,
    BoardIn,
    BoardOut,
    BoardPatch,
    CollectIn,
    CollectMoveIn,
    CollectOut,
    FollowOut,
    FollowRequestOut,
    FollowRequestPage,
    LikeOut,
    PrivacyIn,
    PrivacyOut,
)
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.core.schemas import PathId
from hongshu.interactions import selectors as interaction_selectors
from hongshu.interactions import services as interactions
from hongshu.social import selectors, services

router = Router(tags=["social"])


def _counts(note_id: int) -> interaction_selectors.NoteCounts:
    return interaction_selectors.note_counts(note_ids=[note_id])[note_id]


# ---- Follow graph ------------------------------------------------------------------------------------
@router.get(
    "/accounts/{handle}/social", response=AccountSocialOut, summary="Follower counts and relationship"
)
def account_social(request: HttpRequest, handle: str) -> AccountSocialOut:
    viewer = request_user(request)
    account = selectors.access_account(viewer=viewer, handle=handle)
    return AccountSocialOut.of(selectors.account_social(viewer=viewer, account=account))


@router.post("/accounts/{handle}/follow", response={201: FollowOut}, auth=member_auth, summary="Follow")
def follow(request: HttpRequest, handle: str) -> Status[FollowOut]:
    member = current_member(request)
    rate_limit_hit("follow", member=member, ip=client_ip(request))
    followee = selectors.access_account(viewer=member, handle=handle)
    return Status(201, FollowOut.of(services.follow_create(follower=member, followee=followee)))


@router.delete("/accounts/{handle}/follow", response={204: None}, auth=member_auth, summary="Unfollow")
def unfollow(request: HttpRequest, handle: str) -> Status[None]:
    member = current_member(request)
    services.follow_delete(follower=member, followee=account_by_handle(handle=handle))
    return Status(204, None)


@router.get("/accounts/{handle}/followers", response=AccountPage, summary="A member's followers")
def followers(request: HttpRequest, handle: str, page: Query[PageQuery]) -> AccountPage:
    viewer = request_user(request)
    owner = selectors.access_account(viewer=viewer, handle=handle)
    return AccountPage.of(
        selectors.followers_page(viewer=viewer, owner=owner, cursor=page.cursor, limit=page.limit),
        AccountOut.of,
    )


@router.get("/accounts/{handle}/following", response=AccountPage, summary="Whom a member follows")
def following(request: HttpRequest, handle: str, page: Query[PageQuery]) -> AccountPage:
    viewer = request_user(request)
    owner = selectors.access_account(viewer=viewer, handle=handle)
    return AccountPage.of(
        selectors.following_page(viewer=viewer, owner=owner, cursor=page.cursor, limit=page.limit),
        AccountOut.of,
    )


@router.delete("/accounts/me/followers/{handle}", response={204: None}, auth=member_auth)
def remove_follower(request: HttpRequest, handle: str) -> Status[None]:
    services.follower_remove(owner=current_member(request), follower=account_by_handle(handle=handle))
    return Status(204, None)


@router.get(
    "/follow-requests", response=FollowRequestPage, auth=member_auth, summary="Requests to follow you"
)
def follow_requests(request: HttpRequest, page: Query[PageQuery]) -> FollowRequestPage:
    owner = current_member(request)
    return FollowRequestPage.of(
        selectors.follow_requests_page(owner=owner, cursor=page.cursor, limit=page.limit),
        FollowRequestOut.of,
    )


@router.post("/follow-requests/{request_id}/approve", response={204: None}, auth=member_auth)
def approve_follow_request(request: HttpRequest, request_id: PathId) -> Status[None]:
    services.follow_request_approve(owner=current_member(request), request_id=request_id)
    return Status(204, None)


@router.post("/follow-requests/{request_id}/decline", response={204: None}, auth=member_auth)
def decline_follow_request(request: HttpRequest, request_id: PathId) -> Status[None]:
    services.follow_request_decline(owner=current_member(request), request_id=request_id)
    return Status(204, None)


@router.patch("/accounts/me/privacy", response=PrivacyOut, auth=member_auth, summary="Privacy settings")
def update_privacy(request: HttpRequest, payload: PrivacyIn) -> PrivacyOut:
    user = services.account_set_privacy(user=current_member(request), **payload.dict())
    return PrivacyOut.of(user)


# ---- Blocks and mutes: by plain handle, since one may block someone who already blocked them ---------
@router.post("/accounts/{handle}/block", response={204: None}, auth=member_auth, summary="Block")
def block(request: HttpRequest, handle: str) -> Status[None]:
    services.block_create(blocker=current_member(request), blocked=account_by_handle(handle=handle))
    return Status(204, None)


@router.delete("/accounts/{handle}/block", response={204: None}, auth=member_auth, summary="Unblock")
def unblock(request: HttpRequest, handle: str) -> Status[None]:
    services.block_delete(blocker=current_member(request), blocked=account_by_handle(handle=handle))
    return Status(204, None)


@router.post("/accounts/{handle}/mute", response={204: None}, auth=member_auth, summary="Mute")
def mute(request: HttpRequest, handle: str) -> Status[None]:
    member = current_member(request)
    services.mute_create(muter=member, muted=selectors.access_account(viewer=member, handle=handle))
    return Status(204, None)


@router.delete("/accounts/{handle}/mute", response={204: None}, auth=member_auth, summary="Unmute")
def unmute(request: HttpRequest, handle: str) -> Status[None]:
    services.mute_delete(muter=current_member(request), muted=account_by_handle(handle=handle))
    return Status(204, None)


@router.get("/blocks", response=AccountPage, auth=member_auth, summary="Accounts you block")
def my_blocks(request: HttpRequest, page: Query[PageQuery]) -> AccountPage:
    user = current_member(request)
    return AccountPage.of(
        selectors.blocks_page(user=user, cursor=page.cursor, limit=page.limit), AccountOut.of
    )


@router.get("/mutes", response=AccountPage, auth=member_auth, summary="Accounts you mute")
def my_mutes(request: HttpRequest, page: Query[PageQuery]) -> AccountPage:
    user = current_member(request)
    return AccountPage.of(
        selectors.mutes_page(user=user, cursor=page.cursor, limit=page.limit), AccountOut.of
    )


# ---- Likes -------------------------------------------------------------------------------------------
@router.post("/notes/{note_id}/like", response={201: LikeOut}, auth=member_auth, summary="Like a note")
def like(request: HttpRequest, note_id: PathId) -> Status[LikeOut]:
    member = current_member(request)
    rate_limit_hit("like", member=member, ip=client_ip(request))
    created = interactions.like_create(user=member, note_id=note_id)
    return Status(201, LikeOut.of(created, _counts(note_id)))


@router.delete("/notes/{note_id}/like", response={204: None}, auth=member_auth, summary="Unlike a note")
def unlike(request: HttpRequest, note_id: PathId) -> Status[None]:
    interactions.like_delete(user=current_member(request), note_id=note_id)
    return Status(204, None)


@router.get("/accounts/{handle}/likes", response=NotePage, summary="Notes a member liked (if shown)")
def liked_notes(request: HttpRequest, handle: str, page: Query[PageQuery]) -> NotePage:
    viewer = request_user(request)
    owner = selectors.access_account(viewer=viewer, handle=handle)
    return NotePage.of_notes(
        interaction_selectors.liked_notes_page(
            viewer=viewer, owner=owner, cursor=page.cursor, limit=page.limit
        ),
        viewer=viewer,
    )


# ---- Boards and collects -----------------------------------------------------------------------------
@router.post("/notes/{note_id}/collect", response={201: CollectOut}, auth=member_auth, summary="Collect")
def collect(request: HttpRequest, note_id: PathId, payload: CollectIn) -> Status[CollectOut]:
    member = current_member(request)
    rate_limit_hit("like", member=member, ip=client_ip(request))
    created = interactions.collect_into(
        user=member,
        note_id=note_id,
        board_id=int(payload.board_id) if payload.board_id else None,
        new_board_name=payload.new_board_name,
    )
    return Status(201, CollectOut.of(created, _counts(note_id)))


@router.patch("/notes/{note_id}/collect", response=CollectOut, auth=member_auth, summary="Move to a board")
def move_collect(request: HttpRequest, note_id: PathId, payload: CollectMoveIn) -> CollectOut:
    user = current_member(request)
    moved = interactions.collect_move(user=user, note_id=note_id, board_id=int(payload.board_id))
    return CollectOut.of(moved, _counts(note_id))


@router.delete("/notes/{note_id}/collect", response={204: None}, auth=member_auth, summary="Uncollect")
def uncollect(request: HttpRequest, note_id: PathId) -> Status[None]:
    interactions.collect_delete(user=current_member(request), note_id=note_id)
    return Status(204, None)


@router.get("/boards", response=list[BoardOut], auth=member_auth, summary="Your boards")
def my_boards(request: HttpRequest) -> list[BoardOut]:
    owner = current_member(request)  # a read: the default board is created by the first collect or board
    return [BoardOut.of(b) for b in interaction_selectors.boards_of(viewer=owner, owner=owner)]


@router.post("/boards", response={201: BoardOut}, auth=member_auth, summary="Create a board")
def create_board(request: HttpRequest, payload: BoardIn) -> Status[BoardOut]:
    board = interactions.board_create(
        owner=current_member(request), name=payload.name, is_public=payload.is_public
    )
    return Status(201, BoardOut.of(board))


@router.get("/boards/{board_id}", response=BoardOut, summary="A board")
def get_board(request: HttpRequest, board_id: PathId) -> BoardOut:
    return BoardOut.of(interaction_selectors.access_board(viewer=request_user(request), board_id=board_id))


@router.patch("/boards/{board_id}", response=BoardOut, auth=member_auth, summary="Rename or share a board")
def update_board(request: HttpRequest, board_id: PathId, payload: BoardPatch) -> BoardOut:
    board = interactions.board_update(
        owner=current_member(request), board_id=board_id, name=payload.name, is_public=payload.is_public
    )
    return BoardOut.of(board)


@router.delete("/boards/{board_id}", response={204: None}, auth=member_auth, summary="Delete a board")
def delete_board(request: HttpRequest, board_id: PathId) -> Status[None]:
    interactions.board_delete(owner=current_member(request), board_id=board_id)
    return Status(204, None)


@router.get("/boards/{board_id}/notes", response=NotePage, summary="Notes in a board")
def board_notes(request: HttpRequest, board_id: PathId, page: Query[PageQuery]) -> NotePage:
    viewer = request_user(request)
    board = interaction_selectors.access_board(viewer=viewer, board_id=board_id)
    return NotePage.of_notes(
        interaction_selectors.board_notes_page(
            viewer=viewer, board=board, cursor=page.cursor, limit=page.limit
        ),
        viewer=viewer,
    )


@router.get("/accounts/{handle}/boards", response=list[BoardOut], summary="A member's boards")
def boards_of_account(request: HttpRequest, handle: str) -> list[BoardOut]:
    viewer = request_user(request)
    owner = selectors.access_account(viewer=viewer, handle=handle)
    return [BoardOut.of(b) for b in interaction_selectors.boards_of(viewer=viewer, owner=owner)]
