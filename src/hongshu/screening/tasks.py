"""Celery entry points of screening: thin, IDs in as strings."""

from __future__ import annotations

from celery import shared_task

from hongshu.screening.bursts import burst_prune


@shared_task(name="screening.burst_prune", acks_late=True, ignore_result=True)
def burst_prune_task() -> None:
    """Periodic: drop the burst fingerprints older than the burst window."""
    burst_prune()
