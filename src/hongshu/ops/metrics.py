"""/metrics: what the app counts as it runs (core.metrics) plus what is read when Prometheus scrapes.

Read at scrape time, so they are right whichever process answers: the depth of each Celery queue and the age
of its oldest job (from the broker), and the moderation backlog by language. Under gunicorn the counted
values come from every worker's files in PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from collections.abc import Iterator

import redis
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from hongshu.moderation.models import Case

logger = logging.getLogger(__name__)


def celery_queues() -> list[str]:
    """The queues jobs are routed to: Celery's default and every queue of the routes table."""
    routes = settings.CELERY_TASK_ROUTES.values()
    return sorted({"celery", *(route["queue"] for route in routes)})


class ScrapeTimeCollector(Collector):
    def describe(self) -> list[Metric]:
        return []  # else registering it would run the queries below once, at start-up

    def collect(self) -> Iterator[Metric]:
        yield from self._job_queues()
        yield from self._moderation_backlog()

    def _job_queues(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "hongshu_job_queue_depth", "Jobs waiting in each Celery queue (broker).", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "hongshu_job_queue_oldest_age_seconds",
            "Seconds the oldest job waiting in each Celery queue has waited (0 when empty).",
            labels=["queue"],
        )
        url = settings.CELERY_BROKER_URL
        if settings.JOBS_MODE == "celery" and url.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
            try:
                now = time.time()
                for queue in celery_queues():
                    # kombu pushes on the left and workers pop on the right: the oldest is the last item.
                    count, last = client.llen(queue), client.lindex(queue, -1)
                    depth.add_metric([queue], float(count))
                    oldest.add_metric([queue], _age(last, now))
            except (redis.RedisError, OSError) as error:
                logger.warning("metrics: the job broker did not answer (%s)", type(error).__name__)
            finally:
                client.close()
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


def _age(message: bytes | str | None, now: float) -> float:
    if not message:
        return 0.0
    try:
        sent = float(json.loads(message)["headers"]["enqueued_at"])
    except (ValueError, KeyError, TypeError):
        return 0.0  # a message from before `enqueued_at` was stamped (core.jobs)
    return max(0.0, now - sent)


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
