"""`GET /api/v1/names/suggest?name=Michael`: Chinese name suggestions for a Latin-script name."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from hongshu.accounts.auth import request_user
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.textlib.names import Suggestion, names_suggest

router = Router(tags=["names"])


class NameCharacterOut(Schema):
    character: str
    pinyin: str
    meaning: str


class NameSuggestionOut(Schema):
    characters: str = Field(description="Simplified Chinese characters")
    pinyin: str = Field(description="Pinyin with tone marks, one syllable per character")
    source: str = Field(
        description='"dictionary" (an established transliteration), "composed" (by sound) or "meaningful" '
        "(sound-alike characters chosen for their meaning)"
    )
    characters_detail: list[NameCharacterOut]


class NameSuggestQuery(Schema):
    name: str = Field(min_length=1, max_length=60)


def _out(suggestion: Suggestion) -> NameSuggestionOut:
    return NameSuggestionOut(
        characters=suggestion.characters,
        pinyin=suggestion.pinyin,
        source=suggestion.source,
        characters_detail=[
            NameCharacterOut(character=c.character, pinyin=c.pinyin, meaning=c.meaning)
            for c in suggestion.characters_detail
        ],
    )


@router.get("/names/suggest", response=list[NameSuggestionOut], auth=None)
def suggest(request: HttpRequest, query: Query[NameSuggestQuery]) -> list[NameSuggestionOut]:
    rate_limit_hit("suggest", member=request_user(request), ip=client_ip(request))
    return [_out(s) for s in names_suggest(name=query.name)]
