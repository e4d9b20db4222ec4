"""Translating notes and comments for a reader: provider choice, the cache, concurrency and rate limits.

Failure policy (documented in docs/language.md): a provider failure is a typed `TranslationFailure`; the
API answers 503 `translation_unavailable` (429 `translation_rate_limited`), the page shows the original
with a message. We do not silently fall back to the gloss, because a reader who asked for a translation
should not mistake a word list for one; the gloss is what an instance without a provider serves.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.accounts.services import member_set_always_translate
from hongshu.comments.selectors import Viewer, access_comment, comment_not_found, is_live
from hongshu.core.ratelimit import RateLimitExceeded, rate_limit_hit
from hongshu.language.models import Translation
from hongshu.language.translation.base import (
    TARGETS,
    GlossToken,
    TranslationFailure,
    TranslationProvider,
    TranslationResult,
)
from hongshu.language.translation.config import provider_config
from hongshu.language.translation.deepl import DeepLProvider
from hongshu.language.translation.gloss import GlossProvider
from hongshu.language.translation.libretranslate import LibreTranslateProvider
from hongshu.language.translation.openai_compat import OpenAICompatProvider
from hongshu.notes.selectors import access_note
from hongshu.textlib.detection import detect_language

# How long a reader waits for another request's translation of the same text before getting "pending".
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class ContentTranslation:
    """A note's (title + body) or a comment's (body only) translation, as shown to a reader."""

    content_type: str
    object_id: int
    title: str
    text: str
    kind: str
    provider: str
    source: str
    target: str
    title_gloss: tuple[GlossToken, ...] = ()
    gloss: tuple[GlossToken, ...] = ()


def provider_get() -> TranslationProvider:
    """The configured provider; the gloss when none is (or when one is named without its URL)."""
    config = provider_config()
    if config.provider == "openai" and config.url:
        return OpenAICompatProvider(
            url=config.url, api_key=config.api_key, model=config.model, timeout=config.timeout
        )
    if config.provider == "libretranslate" and config.url:
        return LibreTranslateProvider(url=config.url, api_key=config.api_key, timeout=config.timeout)
    if config.provider == "deepl" and config.api_key:
        return DeepLProvider(url=config.url, api_key=config.api_key, timeout=config.timeout)
    return GlossProvider()


def translate(*, text: str, source: str, target: str) -> TranslationResult:
    """Uncached translation with the configured provider. Raises TranslationFailure."""
    if target not in TARGETS:
        raise ValueError(f"unsupported target {target!r}")
    return provider_get().translate(text=text, source=source, target=target)


def target_for(language_code: str | None) -> str:
    """The UI language (Django's `request.LANGUAGE_CODE`) as a translation target."""
    return "zh-Hans" if (language_code or "").lower().startswith("zh") else "en"


def _rate_limit(*, member: User | None, ip: str | None) -> None:
    """The `translation` limit of core.ratelimit: per member per hour, the instance per minute (settings
    `translation_member_limit` / `translation_global_limit`), and the client's address and network (the rate
    table's `translation.ip` / `translation.network`)."""
    try:
        rate_limit_hit("translation", member=member, ip=ip)
    except RateLimitExceeded as refused:
        raise TranslationFailure("rate_limited", refused.scope, headers=refused.headers) from refused


def _tokens(data: object) -> tuple[GlossToken, ...]:
    if not isinstance(data, list):
        return ()
    return tuple(GlossToken(str(o), p, m) for o, p, m in data)


def _token_rows(result: TranslationResult | None) -> list[list[str | None]]:
    return [[t.original, t.pinyin, t.meaning] for t in result.gloss] if result else []


def _from_row(row: Translation) -> ContentTranslation:
    gloss = row.gloss if isinstance(row.gloss, dict) else {}
    return ContentTranslation(
        content_type=row.content_type,
        object_id=row.object_id,
        title=row.title,
        text=row.text,
        kind=row.kind,
        provider=row.provider,
        source=row.source,
        target=row.target,
        title_gloss=_tokens(gloss.get("title")),
        gloss=_tokens(gloss.get("body")),
    )


def _claim(key: dict[str, object]) -> tuple[Translation, bool]:
    """The row for `key` and whether this caller must translate it (it created or reclaimed it)."""
    try:
        with transaction.atomic():
            return Translation.objects.create(**key, attempts=1), True
    except IntegrityError:
        row = Translation.objects.get(**key)
    stale = timezone.now() - timedelta(seconds=provider_config().timeout * 2 + 5)
    retryable = row.state == Translation.State.FAILED or (
        row.state == Translation.State.PENDING and row.updated_at < stale  # its translator died
    )
    if retryable:
        # Conditional update: of several readers retrying at once, exactly one wins the row.
        won = Translation.objects.filter(pk=row.pk, state=row.state, updated_at=row.updated_at).update(
            state=Translation.State.PENDING, attempts=F("attempts") + 1, updated_at=timezone.now(), error=""
        )
        if won:
            row.refresh_from_db()
            return row, True
    return row, False


def _wait_for(row: Translation) -> ContentTranslation:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if row.state == Translation.State.DONE:
            return _from_row(row)
        if row.state == Translation.State.FAILED:
            raise TranslationFailure("upstream_error", row.error or "failed")
        if time.monotonic() > deadline:
            raise TranslationFailure("pending", "another request is translating this")
        time.sleep(POLL_SECONDS)
        row.refresh_from_db()


def _translate_content(
    *,
    content_type: str,
    object_id: int,
    title: str,
    body: str,
    source: str,
    target: str,
    member: User | None,
    ip: str | None,
) -> ContentTranslation:
    provider = provider_get()
    digest = hashlib.sha256(f"{title}\x00{body}".encode()).hexdigest()
    key: dict[str, object] = {
        "content_type": content_type,
        "object_id": object_id,
        "content_hash": digest,
        "target": target,
        "provider": provider.name,
    }
    done = Translation.objects.filter(**key, state=Translation.State.DONE).first()
    if done is not None:
        return _from_row(done)
    if provider.name != "gloss":  # the gloss is local and cheap: exempt from rate limits
        _rate_limit(member=member, ip=ip)
    row, mine = _claim(key)
    if not mine:
        return _wait_for(row)
    try:
        title_result = provider.translate(text=title, source=source, target=target) if title.strip() else None
        body_result = provider.translate(text=body, source=source, target=target) if body.strip() else None
    except TranslationFailure as failure:
        row.state, row.error, row.updated_at = Translation.State.FAILED, failure.reason, timezone.now()
        row.save(update_fields=["state", "error", "updated_at"])
        raise
    answered = body_result or title_result
    row.title = title_result.text if title_result else ""
    row.text = body_result.text if body_result else ""
    row.kind = answered.kind if answered else "translation"
    row.source = source
    row.gloss = {
        "title": _token_rows(title_result),
        "body": _token_rows(body_result),
    }
    row.state, row.updated_at = Translation.State.DONE, timezone.now()
    row.save(update_fields=["title", "text", "kind", "source", "gloss", "state", "updated_at"])
    return _from_row(row)


def _source_of(language: str, text: str) -> str:
    return language if language not in ("und", "mixed", "") else detect_language(text)


def note_translate(*, viewer: Viewer, note_id: int, target: str, ip: str | None = None) -> ContentTranslation:
    """The note's title and body in `target`, if the viewer may read the note (else NotFound). `ip` is the
    client's address for the rate limit (None for jobs)."""
    note = access_note(viewer=viewer, note_id=note_id)
    member = viewer if isinstance(viewer, User) and viewer.is_authenticated else None
    return _translate_content(
        content_type="note",
        object_id=note.pk,
        title=note.title,
        body=note.body,
        source=_source_of(note.language, f"{note.title}\n{note.body}"),
        target=target,
        member=member,
        ip=ip,
    )


def comment_translate(
    *, viewer: Viewer, comment_id: int, target: str, ip: str | None = None
) -> ContentTranslation:
    """The comment's body in `target`, if the viewer may see it and it is not deleted (else NotFound)."""
    comment = access_comment(viewer=viewer, comment_id=comment_id)
    if not is_live(comment):
        raise comment_not_found()
    member = viewer if isinstance(viewer, User) and viewer.is_authenticated else None
    return _translate_content(
        content_type="comment",
        object_id=comment.pk,
        title="",
        body=comment.body,
        source=_source_of(comment.language, comment.body),
        target=target,
        member=member,
        ip=ip,
    )


def always_translate_set(*, member: User, enabled: bool) -> None:
    """The reader's "always translate" preference (note pages then load the translation at once)."""
    member_set_always_translate(member=member, enabled=enabled)


def staff_content_translate(
    *, content_type: str, object_id: int, title: str, body: str, language: str, target: str, staff: User
) -> ContentTranslation:
    """A moderator's translation of content they review: a note, a comment or a member's name and bio, in
    whatever state it is (held, removed). No visibility check here: the caller (the moderation console)
    requires a staff role first. Cached and rate limited as a reader's translation is."""
    return _translate_content(
        content_type=content_type,
        object_id=object_id,
        title=title,
        body=body,
        source=_source_of(language, f"{title}\n{body}"),
        target=target,
        member=staff,
        ip=None,  # staff are counted per member and by the instance's budget, not per address
    )


def translations_forget(*, content_type: str, object_ids: Sequence[int]) -> int:
    """Purged notes or comments ("note" | "comment") take their cached translations with them."""
    deleted, _ = Translation.objects.filter(content_type=content_type, object_id__in=object_ids).delete()
    return deleted
