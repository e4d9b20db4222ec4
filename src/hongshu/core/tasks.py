"""Celery entry points of core."""

from __future__ import annotations

from celery import shared_task

from hongshu.core.jobs import job_effects_prune


@shared_task(name="core.prune_job_effects", ignore_result=True)
def prune_job_effects_task() -> int:
    """Periodic: forget the effects recorded long ago (a job is never delivered again that late)."""
    return job_effects_prune()
