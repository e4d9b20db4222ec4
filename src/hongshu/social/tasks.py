"""Celery entry points of the social graph: thin, IDs in (as strings)."""

from __future__ import annotations

from celery import shared_task

from hongshu.social.services import follow_counts_reconcile_all


@shared_task(name="social.reconcile_follow_counts", acks_late=True, ignore_result=True)
def reconcile_follow_counts_task() -> None:
    """Periodic: repair follower and following counters that drifted from the follow table."""
    follow_counts_reconcile_all()
