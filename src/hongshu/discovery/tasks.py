"""Celery entry points of the discovery app."""

from __future__ import annotations

from celery import shared_task

from hongshu.discovery import services


@shared_task(name="discovery.refresh_pool", ignore_result=True)
def refresh_pool_task() -> None:
    """Recompute Explore's trending pool (periodic: core.periodic)."""
    services.pool_refresh()


@shared_task(name="discovery.notes_purged", acks_late=True, ignore_result=True)
def pool_notes_purged_task(note_ids: list[str]) -> None:
    services.pool_forget_notes(note_ids=[int(i) for i in note_ids])
