"""Celery entry points: thin, IDs in as strings (they round-trip through JSON)."""

from __future__ import annotations

from celery import shared_task

from hongshu.search import services


@shared_task(name="search.index_pending", acks_late=True, ignore_result=True)
def index_pending_task() -> None:
    """Drain the note index queue (every note change queues itself and starts one of these)."""
    services.notes_index_pending()


@shared_task(name="search.index_member", acks_late=True, ignore_result=True)
def index_member_task(user_id: str) -> None:
    services.member_index(user_id=int(user_id))
