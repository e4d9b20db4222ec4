"""Search endpoints: parse, call one selector, render. Pages are offset-based (ranked results have no cursor)."""

from __future__ import annotations

from typing import Literal

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from hongshu.accounts.auth import request_user
from hongshu.api.accounts import AccountOut
from hongshu.api.notes import NoteOut, note_out_json
from hongshu.api.schemas.pages import OffsetPage
from hongshu.api.schemas.social import note_counts_data
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.notes.models import Topic
from hongshu.notes.selectors import NoteVersion, notes_rendered
from hongshu.search import selectors
from hongshu.trends.services import search_record

router = Router(tags=["search"])


class SearchQuery(Schema):
    # Any text is accepted and reduced to tokens; longer queries are cut to the pipeline's limit.
    q: str = Field(default="", max_length=10_000)
    limit: int = Field(default=20, ge=1, le=selectors.MAX_LIMIT)
    offset: int = Field(default=0, ge=0, le=selectors.MAX_OFFSET)


class NoteSearchQuery(SearchQuery):
    # Plain strings: the selector names the allowed values in its own error.
    sort: str = Field(default="relevance", max_length=20)
    media: str = Field(default="all", max_length=20)


class NoteSearchPage(OffsetPage[NoteOut]):
    pass


def _note_search_response(page: selectors.SearchPage[NoteVersion]) -> HttpResponse:
    """The `NoteSearchPage` JSON, from each note's cached API form plus its counts of now: rendering and
    re-serialising 20 notes through the schemas took longer than the search itself. Each cached form is a
    JSON object (`note_out_json`); its counts go in before its closing brace."""
    # "-2": since notes carry `liked` and `collected` (null here); older cached forms lack them.
    rendered = notes_rendered(form="api-json-2", versions=page.items, render=note_out_json)
    items = [
        rendered[v.note_id][:-1]
        + b',"counts":'
        + orjson.dumps(note_counts_data(page.counts[v.note_id]))
        + b"}"
        for v in page.items
        if v.note_id in rendered
    ]
    body = b'{"items":[' + b",".join(items) + b'],"next_offset":' + orjson.dumps(page.next_offset) + b"}"
    return HttpResponse(body, content_type="application/json")


class MemberSearchPage(OffsetPage[AccountOut]):
    pass


class TopicOut(Schema):
    id: str
    name: str


class TopicSearchPage(OffsetPage[TopicOut]):
    pass


class SuggestionOut(Schema):
    kind: Literal["topic", "member"]
    text: str
    value: str


class SuggestQuery(Schema):
    q: str = Field(default="", max_length=10_000)
    limit: int = Field(default=8, ge=1, le=20)


def _topic(topic: Topic) -> TopicOut:
    return TopicOut(id=str(topic.pk), name=topic.name)


def _record(request: HttpRequest, params: SearchQuery) -> None:
    """Count a search for the hot ranking and the member's history, as the search page does: once, on the
    first page, after the selector accepted it (a rejected sort records nothing)."""
    if params.offset == 0:
        search_record(viewer=request_user(request), query=params.q[:200], ip=client_ip(request))


@router.get("/search/notes", response=NoteSearchPage, summary="Search notes")
def search_notes(request: HttpRequest, params: Query[NoteSearchQuery]) -> HttpResponse:
    viewer = request_user(request)
    rate_limit_hit("search", member=viewer, ip=client_ip(request))
    page = selectors.search_note_ids(
        viewer=viewer,
        query=params.q,
        sort=params.sort,
        media=params.media,
        limit=params.limit,
        offset=params.offset,
    )
    _record(request, params)
    return _note_search_response(page)


@router.get("/search/members", response=MemberSearchPage, summary="Search members")
def search_members(request: HttpRequest, params: Query[SearchQuery]) -> MemberSearchPage:
    viewer = request_user(request)
    rate_limit_hit("search", member=viewer, ip=client_ip(request))
    page = selectors.search_members(viewer=viewer, query=params.q, limit=params.limit, offset=params.offset)
    _record(request, params)
    return MemberSearchPage.of(page.items, AccountOut.of, next_offset=page.next_offset)


@router.get("/search/topics", response=TopicSearchPage, summary="Search topics")
def search_topics(request: HttpRequest, params: Query[SearchQuery]) -> TopicSearchPage:
    rate_limit_hit("search", member=request_user(request), ip=client_ip(request))
    page = selectors.search_topics(query=params.q, limit=params.limit, offset=params.offset)
    _record(request, params)
    return TopicSearchPage.of(page.items, _topic, next_offset=page.next_offset)


@router.get("/search/suggest", response=list[SuggestionOut], summary="Suggestions while typing")
def search_suggest(request: HttpRequest, params: Query[SuggestQuery]) -> list[SuggestionOut]:
    viewer = request_user(request)
    rate_limit_hit("suggest", member=viewer, ip=client_ip(request))
    found = selectors.suggest_terms(viewer=viewer, prefix=params.q, limit=params.limit)
    return [SuggestionOut(kind=s.kind, text=s.text, value=s.value) for s in found]
