"""Celery entry points: thin, IDs in (as strings, since they round-trip through JSON)."""

from __future__ import annotations

from celery import shared_task

from hongshu.media.processing import media_process


@shared_task(name="media.process", acks_late=True, ignore_result=True)
def process_media_task(media_id: str) -> None:
    media_process(media_id=int(media_id))
