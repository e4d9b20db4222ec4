"""Celery entry points of the trends app."""

from __future__ import annotations

from celery import shared_task

from hongshu.trends import services


@shared_task(name="trends.flush_search_buffer", ignore_result=True)
def flush_search_buffer_task() -> None:
    """Fold the anonymous searches counted in Redis into the query log (Celery beat, every minute)."""
    services.search_buffer_flush()
