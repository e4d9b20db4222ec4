"""The following feed in the API: the notes of the accounts the signed-in member follows."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from hongshu.accounts.auth import current_member, member_auth
from hongshu.api.notes import NotePage, PageQuery
from hongshu.feeds.following import feed_following

router = Router(tags=["feeds"])


@router.get(
    "/feeds/following",
    response=NotePage,
    auth=member_auth,
    summary="Notes of the accounts you follow, newest first",
)
def following_feed(request: HttpRequest, page: Query[PageQuery]) -> NotePage:
    viewer = current_member(request)
    return NotePage.of_notes(
        feed_following(viewer=viewer, cursor=page.cursor, limit=page.limit), viewer=viewer
    )
