"""Topic feeds, topic follows and Nearby. Thin adapters over `hongshu.topics`; notes in the shape of
`GET /api/v1/notes`."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth, request_user
from hongshu.api.notes import NotePage, PageQuery
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.topics import selectors, services

router = Router(tags=["topics"])


class FeedQuery(PageQuery):
    sort: Literal["hot", "latest"] = "hot"
    cursor: str | None = Field(default=None, max_length=48)  # a hot cursor is "<key>.<id>"


class NearbyQuery(FeedQuery):
    sort: Literal["hot", "latest"] = "latest"
    region: str | None = Field(
        default=None, max_length=200, description="A city or region; default: the member's profile region."
    )


class TopicFollowingOut(Schema):
    name: str
    following: bool


@router.get("/topics/{name}", response=TopicFollowingOut, summary="A topic, and whether you follow it")
def get_topic(request: HttpRequest, name: str) -> TopicFollowingOut:
    topic = selectors.access_topic(name=name)
    following = selectors.is_following_topic(member=request_user(request), topic=topic)
    return TopicFollowingOut(name=topic.name, following=following)


@router.get("/topics/{name}/notes", response=NotePage, summary="A topic's notes, hot or latest first")
def topic_notes(request: HttpRequest, name: str, page: Query[FeedQuery]) -> NotePage:
    topic = selectors.access_topic(name=name)
    viewer = request_user(request)
    return NotePage.of_notes(
        selectors.topic_notes(
            viewer=viewer, topic=topic, sort=page.sort, cursor=page.cursor, limit=page.limit
        ),
        viewer=viewer,
    )


@router.post(
    "/topics/{name}/follow", response={201: TopicFollowingOut}, auth=member_auth, summary="Follow a topic"
)
def follow_topic(request: HttpRequest, name: str) -> Status[TopicFollowingOut]:
    member = current_member(request)
    rate_limit_hit("follow", member=member, ip=client_ip(request))
    topic = selectors.access_topic(name=name)
    services.topic_follow(member=member, topic=topic)
    return Status(201, TopicFollowingOut(name=topic.name, following=True))


@router.delete("/topics/{name}/follow", response={204: None}, auth=member_auth, summary="Unfollow a topic")
def unfollow_topic(request: HttpRequest, name: str) -> Status[None]:
    services.topic_unfollow(member=current_member(request), topic=selectors.access_topic(name=name))
    return Status(204, None)


@router.get("/feeds/nearby", response=NotePage, summary="Notes whose place is in a city or region")
def nearby(request: HttpRequest, page: Query[NearbyQuery]) -> NotePage:
    viewer = request_user(request)
    region = selectors.region_of(viewer=viewer, asked=page.region)
    return NotePage.of_notes(
        selectors.nearby_notes(
            viewer=viewer, region=region, sort=page.sort, cursor=page.cursor, limit=page.limit
        ),
        viewer=viewer,
    )
