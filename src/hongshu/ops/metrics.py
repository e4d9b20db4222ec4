"""/metrics: what the app counts as it runs (core.metrics) plus what is read when Prometheus scrapes.

Read at scrape time, so they are right whichever process answers: the depth of each job queue and the age
of its oldest job (core.jobqueue.jobs_queue_stats: the jobs table or the Celery broker), and the moderation
backlog by language. Under gunicorn the counted
values come from every worker's files in PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterator

import redis
from django.db import DatabaseError
from django.db.models import Count
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from hongshu.core.jobqueue import jobs_queue_stats
from hongshu.moderation.models import Case

logger = logging.getLogger(__name__)


class ScrapeTimeCollector(Collector):
    def describe(self) -> list[Metric]:
        return []  # else registering it would run the queries below once, at start-up

    def collect(self) -> Iterator[Metric]:
        yield from self._job_queues()
        yield from self._moderation_backlog()

    def _job_queues(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "hongshu_job_queue_depth",
            "Jobs waiting in each queue (the core.Job table, or the Celery broker).",
            labels=["queue"],
        )
        oldest = GaugeMetricFamily(
            "hongshu_job_queue_oldest_age_seconds",
            "Seconds the oldest job waiting in each queue has waited (0 when empty).",
            labels=["queue"],
        )
        try:
            for stats in jobs_queue_stats():
                depth.add_metric([stats.queue], float(stats.depth))
                oldest.add_metric([stats.queue], stats.oldest_age_seconds or 0.0)
        except (redis.RedisError, OSError, DatabaseError) as error:
            logger.warning("metrics: the job queue did not answer (%s)", type(error).__name__)
        yield depth
        yield oldest

    def _moderation_backlog(self) -> Iterator[Metric]:
        backlog = GaugeMetricFamily(
            "hongshu_moderation_backlog",
            "Moderation cases open or claimed, by the language of their content and by source.",
            labels=["language", "source"],
        )
        try:
            rows = (
                Case.objects.filter(state__in=Case.ACTIVE_STATES)
                .values_list("language", "source")
                .annotate(count=Count("id"))
                .order_by()
            )
            for language, source, count in rows:
                backlog.add_metric([language, source], float(count))
        except DatabaseError as error:
            logger.warning("metrics: the database did not answer (%s)", type(error).__name__)
        yield backlog


@functools.cache
def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY  # one process: its own values, with the process and Python collectors
    registry.register(ScrapeTimeCollector())
    return registry


def metrics_exposition() -> bytes:
    """The metrics in Prometheus's text format."""
    return generate_latest(_registry())
