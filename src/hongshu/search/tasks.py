"""Celery entry points: thin, IDs in as strings (they round-trip through JSON)."""

from __future__ import annotations

from celery import shared_task

from hongshu.search import services


@shared_task(name="search.index_note", acks_late=True, ignore_result=True)
def index_note_task(note_id: str) -> None:
    services.note_index(note_id=int(note_id))


@shared_task(name="search.index_member", acks_late=True, ignore_result=True)
def index_member_task(user_id: str) -> None:
    services.member_index(user_id=int(user_id))
