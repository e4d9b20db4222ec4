"""Celery entry points: thin, IDs in as strings (they round-trip through JSON)."""

from __future__ import annotations

from celery import shared_task

from hongshu.embeddings import services


@shared_task(name="embeddings.embed_note", acks_late=True, ignore_result=True)
def embed_note_task(note_id: str) -> None:
    services.note_embed(note_id=int(note_id))
