"""Translation endpoints in Mastodon's shape (`POST /api/v1/statuses/:id/translate` → Translation entity),
for notes and comments. `content` is plain text (Mastodon sends HTML); ours adds `title`, `kind` and the
word-by-word `gloss` when the offline dictionary gloss answered instead of a translation provider."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from hongshu.accounts.auth import current_member, member_auth
from hongshu.core.errors import InvalidInput, ProblemError
from hongshu.core.ratelimit import client_ip
from hongshu.core.schemas import PathId
from hongshu.language.translation.base import GlossToken, TranslationFailure
from hongshu.language.translation.service import (
    ContentTranslation,
    comment_translate,
    note_translate,
    target_for,
)

router = Router(tags=["translation"])
GLOSS_LABEL = _("Dictionary gloss, not a translation")


class TranslationUnavailable(ProblemError):
    status = 503
    code = "translation_unavailable"
    title = _("Translation is not available right now. Here is the original.")


class TranslationRateLimited(ProblemError):
    status = 429
    code = "translation_rate_limited"
    title = _("Too many translations for now. Please try again later.")


_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_EXTRA: dict[str, Any] = {
    "responses": {"503": {"description": "Translation unavailable (problem details)", "content": _PROBLEM}}
}


class TranslateIn(Schema):
    lang: str | None = Field(default=None, max_length=16, description="Target: en, zh-Hans or zh-Hant.")


class GlossTokenOut(Schema):
    original: str
    pinyin: str | None
    meaning: str | None


class TranslationOut(Schema):
    content: str
    spoiler_text: str = ""
    media_attachments: list[str] = Field(default_factory=list)
    detected_source_language: str
    provider: str
    language: str
    title: str
    kind: Literal["translation", "gloss"]
    label: str | None
    gloss: list[GlossTokenOut] | None
    title_gloss: list[GlossTokenOut] | None

    @classmethod
    def of(cls, result: ContentTranslation) -> TranslationOut:
        def tokens(gloss: tuple[GlossToken, ...]) -> list[GlossTokenOut] | None:
            if result.kind != "gloss":
                return None
            return [GlossTokenOut(original=t.original, pinyin=t.pinyin, meaning=t.meaning) for t in gloss]

        return cls(
            content=result.text,
            detected_source_language=result.source,
            provider=result.provider,
            language=result.target,
            title=result.title,
            kind="gloss" if result.kind == "gloss" else "translation",
            label=str(GLOSS_LABEL) if result.kind == "gloss" else None,
            gloss=tokens(result.gloss),
            title_gloss=tokens(result.title_gloss),
        )


def parse_target(lang: str | None, request: HttpRequest) -> str:
    if not lang:
        return target_for(getattr(request, "LANGUAGE_CODE", None))
    tag = lang.lower()
    if tag.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
        return "zh-Hant"
    if tag.startswith("zh"):
        return "zh-Hans"
    if tag.startswith("en"):
        return "en"
    raise InvalidInput(_("We translate into English and Chinese only."), code="unsupported_language")


def problem_for(failure: TranslationFailure) -> ProblemError:
    if failure.reason == "rate_limited":
        return TranslationRateLimited(headers=failure.headers)
    return TranslationUnavailable(extra={"reason": failure.reason})


@router.post(
    "/notes/{note_id}/translate",
    response=TranslationOut,
    auth=member_auth,
    summary="Translate a note",
    openapi_extra=_EXTRA,
)
def translate_note(request: HttpRequest, note_id: PathId, query: Query[TranslateIn]) -> TranslationOut:
    target = parse_target(query.lang, request)
    try:
        return TranslationOut.of(
            note_translate(
                viewer=current_member(request), note_id=note_id, target=target, ip=client_ip(request)
            )
        )
    except TranslationFailure as failure:
        raise problem_for(failure) from failure


@router.post(
    "/comments/{comment_id}/translate",
    response=TranslationOut,
    auth=member_auth,
    summary="Translate a comment",
    openapi_extra=_EXTRA,
)
def translate_comment(request: HttpRequest, comment_id: PathId, query: Query[TranslateIn]) -> TranslationOut:
    target = parse_target(query.lang, request)
    member = current_member(request)
    try:
        return TranslationOut.of(
            comment_translate(viewer=member, comment_id=comment_id, target=target, ip=client_ip(request))
        )
    except TranslationFailure as failure:
        raise problem_for(failure) from failure
