"""Celery entry points: thin, IDs in (as strings, since they round-trip through JSON).

The task names keep the `social.` prefix they had before the app split, so queued jobs and the periodic
schedule (core.periodic) still find them.
"""

from __future__ import annotations

from celery import shared_task

from hongshu.interactions.services import counter_reconcile, counter_reconcile_drifted


@shared_task(name="social.reconcile_counters", acks_late=True, ignore_result=True)
def reconcile_counters_task(note_ids: list[str]) -> None:
    counter_reconcile(note_ids=[int(note_id) for note_id in note_ids])


@shared_task(name="social.reconcile_drifted_counters", acks_late=True, ignore_result=True)
def reconcile_drifted_counters_task() -> None:
    """Periodic (Celery beat or cron `hongshu` verb): repair counters that drifted from the tables."""
    counter_reconcile_drifted()
