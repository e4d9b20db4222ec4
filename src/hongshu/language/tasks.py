"""Celery entry points of the language bridge: thin, IDs in as strings (they round-trip through JSON).

`pretranslate_trending_task` is meant to run every 10 minutes from Celery beat (docs/language.md):
the most-liked recent public notes are translated into English and Simplified Chinese before readers ask.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db.models import Sum
from django.utils import timezone

from hongshu.interactions.models import NoteCounter
from hongshu.language.translation.base import TranslationFailure
from hongshu.language.translation.config import provider_config
from hongshu.language.translation.service import note_translate, provider_get, translations_forget
from hongshu.notes.models import Note

RECENT_DAYS = 3
PRETRANSLATE_TARGETS = ("en", "zh-Hans")


def trending_note_ids(*, limit: int) -> list[int]:
    """Public notes published in the last days, most liked first (anonymous visibility: the policy)."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = Note.objects.visible_to(None).filter(
        status=Note.Status.PUBLISHED, visibility="public", published_at__gte=since
    )
    liked = (
        NoteCounter.objects.filter(note__in=recent.values("pk"))
        .values("note_id")
        .annotate(total=Sum("likes"))
        .order_by("-total", "-note_id")[:limit]
    )
    ids = [row["note_id"] for row in liked]
    if len(ids) < limit:  # notes nobody liked yet still count, newest first
        ids += list(
            recent.exclude(pk__in=ids).order_by("-pk").values_list("pk", flat=True)[: limit - len(ids)]
        )
    return ids


def pretranslate_trending(*, limit: int | None = None) -> int:
    """Translate trending notes with the configured provider (never the gloss); how many were translated."""
    if provider_get().name == "gloss":
        return 0
    count = 0
    for note_id in trending_note_ids(limit=provider_config().pretranslate_count if limit is None else limit):
        language = Note.objects.filter(pk=note_id).values_list("language", flat=True).first()
        for target in PRETRANSLATE_TARGETS:
            if language == target or ((language or "").startswith("zh") and target.startswith("zh")):
                continue
            try:
                note_translate(viewer=None, note_id=note_id, target=target)
                count += 1
            except TranslationFailure as failure:
                if failure.reason == "rate_limited":
                    return count  # leave the rest of the budget to readers
    return count


@shared_task(name="language.pretranslate_trending", acks_late=True, ignore_result=True)
def pretranslate_trending_task() -> int:
    return pretranslate_trending()


@shared_task(name="language.notes_purged", acks_late=True, ignore_result=True)
def translations_notes_purged_task(note_ids: list[str]) -> None:
    translations_forget(content_type="note", object_ids=[int(i) for i in note_ids])


@shared_task(name="language.comments_purged", acks_late=True, ignore_result=True)
def translations_comments_purged_task(comment_ids: list[str]) -> None:
    translations_forget(content_type="comment", object_ids=[int(i) for i in comment_ids])
