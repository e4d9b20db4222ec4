"""Trend endpoints: suggestions while typing, the hot ranking, a member's search history, moderator removal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth, request_user
from hongshu.core.schemas import PathId
from hongshu.trends import selectors, services

router = Router(tags=["trends"])


class SuggestIn(Schema):
    q: str = Field(default="", max_length=1000)
    limit: int = Field(default=8, ge=1, le=20)


class TrendSuggestionOut(Schema):
    kind: Literal["history", "query", "topic", "member"]
    text: str
    value: str


class HotEntryOut(Schema):
    kind: Literal["query", "topic"]
    term: str
    recent: int
    baseline: int
    score: float


class HotOut(Schema):
    queries: list[HotEntryOut]
    topics: list[HotEntryOut]


class HistoryEntryOut(Schema):
    id: str
    query: str
    searched_at: datetime


class RemovedOut(Schema):
    kind: str
    term: str


def _entries(entries: list[selectors.HotEntry]) -> list[HotEntryOut]:
    return [
        HotEntryOut(kind=e.kind, term=e.term, recent=e.recent, baseline=e.baseline, score=e.score)
        for e in entries
    ]


@router.get("/trends/suggest", response=list[TrendSuggestionOut], summary="Suggestions while typing")
def trends_suggest(request: HttpRequest, params: Query[SuggestIn]) -> list[TrendSuggestionOut]:
    found = selectors.suggest(viewer=request_user(request), prefix=params.q, limit=params.limit)
    return [TrendSuggestionOut(kind=s.kind, text=s.text, value=s.value) for s in found]


@router.get("/trends/hot", response=HotOut, summary="Hot ranking (热点榜), refreshed every minute")
def trends_hot(request: HttpRequest) -> HotOut:
    hot = selectors.hot_ranking()
    return HotOut(queries=_entries(hot["queries"]), topics=_entries(hot["topics"]))


@router.post(
    "/trends/hot/{kind}/{term}/remove", response={200: RemovedOut}, auth=member_auth, summary="Remove (staff)"
)
def trends_hot_remove(
    request: HttpRequest, kind: Literal["query", "topic"], term: Annotated[str, Path(max_length=200)]
) -> RemovedOut:
    row = services.hot_remove(moderator=current_member(request), kind=kind, term=term)
    return RemovedOut(kind=row.kind, term=row.term)


@router.get("/me/search-history", response=list[HistoryEntryOut], auth=member_auth, summary="My searches")
def history_list(request: HttpRequest) -> list[HistoryEntryOut]:
    rows = selectors.history_of(member=current_member(request))
    return [HistoryEntryOut(id=str(r.pk), query=r.query, searched_at=r.searched_at) for r in rows]


@router.delete("/me/search-history", response={204: None}, auth=member_auth, summary="Clear my searches")
def history_clear(request: HttpRequest) -> Status[None]:
    services.history_clear(member=current_member(request))
    return Status(204, None)


@router.delete("/me/search-history/{entry_id}", response={204: None}, auth=member_auth, summary="Delete one")
def history_delete(request: HttpRequest, entry_id: PathId) -> Status[None]:
    services.history_delete(member=current_member(request), entry_id=entry_id)
    return Status(204, None)
