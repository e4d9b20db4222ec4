"""The database job queue of the embedded default (`HONGSHU_JOBS=database`), the dead letters of both
backends, and the queue statistics an operator (`hongshu jobs stats`) and the metrics read.

A job is a `core.Job` row (its docstring draws the states). Workers are threads: one in each web process
(`jobs_worker_start`, from gunicorn's `post_worker_init`) or `hongshu jobs work`. A worker claims the oldest
due row atomically — `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, a conditional `UPDATE … WHERE state=…
AND attempts=…` on SQLite, whose writers are serialized — and holds it for a lease
(`HONGSHU_JOBS_LEASE_SECONDS`); a worker that dies mid-job lets the lease run out and another takes the job
again. Delivery is at least once, so every task is idempotent (docs/operations.md#jobs).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from hongshu.core.jobs import (
    ENQUEUED_AT_HEADER,
    MAX_ATTEMPTS,
    QUEUES,
    RETRY_BASE_SECONDS,
    RETRY_MAX_SECONDS,
    TRANSIENT_ERRORS,
    enqueue_on_commit,
    error_text,
    queue_name,
    queue_of,
    traceback_excerpt,
)
from hongshu.core.models import FailedJob, Job
from hongshu.core.requestid import request_id_bound

logger = logging.getLogger(__name__)
OUTCOME_STATES = {"done": "SUCCESS", "retry": "RETRY", "dead": "FAILURE"}  # Celery's words, in the log
_wake = threading.Event()  # set when this process queued a job, so its idle worker need not wait a poll


def task_by_name(name: str) -> Task[Any, Any]:
    """The registered Celery task `name`, importing its module first (web processes import tasks lazily)."""
    from hongshu.core.periodic import periodic_task

    return periodic_task(name)


def job_enqueue(
    *, task: str, args: list[Any], unique: bool = False, request_id: str | None = None
) -> Job | None:
    """Write a queued job (in the caller's transaction, if any). `unique`: not if one of `task` already waits
    (the periodic jobs, which take no arguments: a schedule that ticks while workers are down adds one).
    `request_id`: the request that asked for it, bound while it runs (core.requestid)."""
    if unique and Job.objects.filter(task=task, state=Job.State.QUEUED).exists():
        return None
    now = timezone.now()
    job = Job.objects.create(
        task=task,
        args=args,
        queue=queue_of(task),
        enqueued_at=now,
        run_at=now,
        request_id=request_id or "",
    )
    transaction.on_commit(_wake.set)
    return job


def _due(now: datetime) -> Q:
    return Q(state=Job.State.QUEUED, run_at__lte=now) | Q(state=Job.State.RUNNING, leased_until__lt=now)


def job_claim(*, lease_seconds: float, now: datetime | None = None) -> Job | None:
    """Take the oldest due job for `lease_seconds`, or None. Exclusive: two workers never hold one job."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=lease_seconds)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(_due(now))
                .order_by("run_at", "id")
                .first()
            )
            if job is None:
                return None
            job.state, job.attempts, job.leased_until = Job.State.RUNNING, job.attempts + 1, lease
            job.save(update_fields=["state", "attempts", "leased_until"])
            return job
    # SQLite serializes writers: the UPDATE that still finds the row as it was read wins it, the others
    # match nothing and try the next candidate.
    for pk, attempts in (
        Job.objects.filter(_due(now)).order_by("run_at", "id").values_list("id", "attempts")[:8]
    ):
        won = Job.objects.filter(_due(now), pk=pk, attempts=attempts).update(
            state=Job.State.RUNNING, attempts=F("attempts") + 1, leased_until=lease
        )
        if won:
            return Job.objects.get(pk=pk)
    return None


def retry_delay(
    attempt: int, *, base: float = RETRY_BASE_SECONDS, maximum: float = RETRY_MAX_SECONDS
) -> float:
    """Seconds before run `attempt + 1`: exponential, with equal jitter (half fixed, half random) so that
    jobs failing together spread out, yet each wait is at least the previous one's."""
    ceiling = float(min(maximum, base * 2.0 ** (attempt - 1)))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _dead(job: Job, exc: BaseException) -> None:
    with transaction.atomic():
        if Job.objects.filter(pk=job.pk, attempts=job.attempts).delete()[0]:
            FailedJob.objects.create(
                task=job.task,
                args=job.args,
                queue=job.queue,
                backend="database",
                error=error_text(exc),
                traceback=traceback_excerpt(exc),
                attempts=job.attempts,
                failed_at=timezone.now(),
            )
    logger.error("job %s %s%r failed for good after %d attempts: %s", job.pk, job.task, job.args,
                 job.attempts, error_text(exc))  # fmt: skip


def job_run(
    job: Job,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    retry_base: float = RETRY_BASE_SECONDS,
    retry_max: float = RETRY_MAX_SECONDS,
) -> str:
    """Run a claimed job with the id of the request that queued it bound (its log lines carry it): see
    `_job_run` for the outcome."""
    # INFO in a worker process; in a web process's job thread a line per job would drown the server's log.
    level = logging.DEBUG if os.environ.get("HONGSHU_PROCESS") == "web" else logging.INFO
    with request_id_bound(job.request_id or None):
        logger.log(level, "job %s %s started", job.task, job.pk)
        outcome = _job_run(job, max_attempts=max_attempts, retry_base=retry_base, retry_max=retry_max)
        logger.log(level, "job %s %s ended: %s", job.task, job.pk, OUTCOME_STATES[outcome])
    return outcome


def _job_run(
    job: Job,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    retry_base: float = RETRY_BASE_SECONDS,
    retry_max: float = RETRY_MAX_SECONDS,
) -> str:
    """Run a claimed job: "done" (row deleted), "retry" (queued again after a backoff) or "dead" (a dead
    letter). The task is called directly, so Celery's own retry wrapper re-raises the error here; the errors
    retried are the task's `autoretry_for` (core.jobs.TRANSIENT_ERRORS unless the task says otherwise)."""
    retryable: tuple[type[BaseException], ...] = ()
    try:
        task = task_by_name(job.task)
        retryable = tuple(getattr(task, "autoretry_for", ()) or TRANSIENT_ERRORS)
        task(*job.args)
    except Exception as exc:  # noqa: BLE001 - every failure is either retried or kept as a dead letter
        if not connection.in_atomic_block:  # (tests run inside one)
            close_old_connections()  # a connection the error broke is replaced before the bookkeeping
        if not isinstance(exc, retryable) or job.attempts >= max_attempts:
            _dead(job, exc)
            return "dead"
        delay = retry_delay(job.attempts, base=retry_base, maximum=retry_max)
        Job.objects.filter(pk=job.pk, attempts=job.attempts).update(
            state=Job.State.QUEUED,
            run_at=timezone.now() + timedelta(seconds=delay),
            leased_until=None,
            last_error=error_text(exc),
        )
        logger.warning("job %s %s failed (attempt %d), retrying in %.1f s: %s", job.pk, job.task,
                       job.attempts, delay, error_text(exc))  # fmt: skip
        return "retry"
    Job.objects.filter(pk=job.pk, attempts=job.attempts).delete()
    return "done"


def _job_session() -> None:
    """A job is not a web request: on PostgreSQL, a web process's connections start with a statement
    timeout (config/settings.py), which the job thread's own connection lifts (a recount may take minutes)."""
    if connection.vendor == "postgresql" and os.environ.get("HONGSHU_PROCESS") == "web":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


class JobWorker:
    """Claims and runs jobs of the database queue, one at a time, until stopped."""

    def __init__(
        self,
        *,
        lease_seconds: float | None = None,
        poll_seconds: float | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        retry_base: float = RETRY_BASE_SECONDS,
        retry_max: float = RETRY_MAX_SECONDS,
    ) -> None:
        self.lease_seconds = lease_seconds if lease_seconds is not None else settings.JOBS_LEASE_SECONDS
        self.poll_seconds = poll_seconds if poll_seconds is not None else settings.JOBS_POLL_SECONDS
        self.max_attempts, self.retry_base, self.retry_max = max_attempts, retry_base, retry_max
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def run_once(self) -> str | None:
        """Claim one due job and run it: its outcome, or None when nothing is due."""
        job = job_claim(lease_seconds=self.lease_seconds)
        if job is None:
            return None
        _job_session()
        return job_run(
            job, max_attempts=self.max_attempts, retry_base=self.retry_base, retry_max=self.retry_max
        )

    def run_until_empty(self, *, limit: int = 10_000) -> list[str]:
        """Run due jobs until none is left (tests, `hongshu jobs work --once`); their outcomes."""
        outcomes: list[str] = []
        while len(outcomes) < limit and (outcome := self.run_once()) is not None:
            outcomes.append(outcome)
        return outcomes

    def run_forever(self) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    outcome = self.run_once()
                except DatabaseError:
                    logger.exception("the job queue is unreachable; trying again")
                    outcome = None
                finally:
                    close_old_connections()
                if outcome is None:
                    _wake.wait(self.poll_seconds)
                    _wake.clear()
        finally:
            connection.close()  # this thread's own connection

    def start(self) -> JobWorker:
        self.thread = threading.Thread(target=self.run_forever, name="hongshu-jobs", daemon=True)
        self.thread.start()
        return self

    def request_stop(self) -> None:
        """Stop after the job in hand (a signal handler may call it)."""
        self.stopped.set()
        _wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self.request_stop()
        if self.thread is not None:
            self.thread.join(timeout)


def jobs_worker_start() -> JobWorker | None:
    """Start a worker thread in this process when jobs go to the database queue (gunicorn's hook)."""
    if settings.JOBS_MODE != "database":
        return None
    return JobWorker().start()


# Dead letters (both backends).


def jobs_failed(*, limit: int = 100) -> list[FailedJob]:
    """Dead letters, newest first."""
    return list(FailedJob.objects.order_by("-failed_at", "-id")[:limit])


def job_retry(*, failed_id: int) -> bool:
    """Queue a dead letter's job again on the configured backend (attempts start over) and drop the record;
    False if there is no such record."""
    with transaction.atomic():
        failed = FailedJob.objects.select_for_update().filter(pk=failed_id).first()
        if failed is None:
            return False
        enqueue_on_commit(task_by_name(failed.task), *failed.args)
        failed.delete()
    return True


def jobs_retry_all() -> int:
    """Queue every dead letter's job again; how many."""
    return sum(
        job_retry(failed_id=pk) for pk in FailedJob.objects.order_by("id").values_list("id", flat=True)
    )


# Queue statistics.


@dataclass(frozen=True)
class QueueStats:
    queue: str  # the kind (`JOB_QUEUES`), without the instance's prefix
    depth: int  # jobs waiting (retries waiting for their backoff included)
    oldest_age_seconds: float | None  # how long the oldest waiting job has been queued; None when empty
    running: int | None  # jobs a worker holds (None on Celery, which does not say)


def jobs_queue_stats() -> list[QueueStats]:
    """Depth and oldest age of every queue, from the backend that holds the jobs (the `core.Job` table, or
    the Celery broker's lists in Redis). For `hongshu jobs stats` and the Prometheus metrics; one entry per
    queue in `QUEUES`, empty ones included."""
    if settings.JOBS_MODE == "celery":
        return _celery_queue_stats()
    now = timezone.now()
    rows = {
        row["queue"]: row
        for row in Job.objects.values("queue").annotate(
            waiting=Count("id", filter=Q(state=Job.State.QUEUED)),
            running=Count("id", filter=Q(state=Job.State.RUNNING)),
            oldest=Min("enqueued_at", filter=Q(state=Job.State.QUEUED)),
        )
    }
    stats = []
    for queue in sorted(set(QUEUES) | set(rows)):
        row = rows.get(queue, {})
        oldest = row.get("oldest")
        stats.append(
            QueueStats(
                queue=queue,
                depth=row.get("waiting", 0),
                oldest_age_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else None,
                running=row.get("running", 0),
            )
        )
    return stats


# kombu's Redis transport keeps a queue as a list (LPUSH, BRPOP: the oldest message is the last element),
# and a list per priority step above 0 named `<queue>\x06\x16<step>`.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def _celery_queue_stats() -> list[QueueStats]:
    import json
    import time

    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)
    now, stats = time.time(), []
    for queue in QUEUES:
        depth, oldest = 0, None
        for suffix in _PRIORITY_SUFFIXES:
            key = queue_name(queue) + suffix
            depth += int(client.llen(key))
            last = client.lindex(key, -1)
            if last is not None:
                try:
                    stamped = float(json.loads(last)["headers"][ENQUEUED_AT_HEADER])
                except (ValueError, KeyError, TypeError):
                    continue
                oldest = stamped if oldest is None else min(oldest, stamped)
        stats.append(
            QueueStats(
                queue=queue,
                depth=depth,
                oldest_age_seconds=None if oldest is None else max(0.0, now - oldest),
                running=None,
            )
        )
    return stats
