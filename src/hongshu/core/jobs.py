"""Background jobs: side effects run after the transaction commits, never from signals.

`enqueue_on_commit(task, *args)` round-trips the arguments through JSON at once, so a payload that a worker
could not receive fails where it is written, in every mode (`settings.JOBS_MODE`):
- `inline` runs the task right after commit in the same thread, once (tests, the demo loader);
- `database` writes a row of `core.Job` in the caller's transaction, so the job commits (or rolls back) with
  the write that asked for it and survives a restart; worker threads of the web processes (or
  `hongshu jobs work`) claim and run it (hongshu.core.jobqueue). The embedded default;
- `celery` sends it to Celery workers on Redis after commit, on the queue of its kind (`JOB_QUEUES`).

Retries are the same on both durable backends: a transient error (`TRANSIENT_ERRORS`: the database or a
network peer went away, a timeout) runs the job again after an exponential backoff with jitter, up to
`MAX_ATTEMPTS` runs; any other error, or the last transient one, leaves a dead letter (`core.FailedJob`) that
`hongshu jobs failed` lists and `hongshu jobs retry` replays. Every task must therefore be safe to run twice
(docs/operations.md#jobs lists why each one is).

Every job carries the id of the request that enqueued it (core.requestid): in its Celery headers, or in its
`core.Job` row; it runs with that id bound, so its log lines can be matched to the request. Celery messages
also carry the time they were sent (`ENQUEUED_AT_HEADER`), from which the age of each queue's oldest job is
read (`core.jobqueue.jobs_queue_stats`, /metrics).
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from datetime import timedelta
from typing import Any

import redis.exceptions
from celery import Task
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone

from hongshu.core.metrics import JOBS_ENQUEUED
from hongshu.core.requestid import request_id_bound, request_id_get

logger = logging.getLogger(__name__)
REQUEST_ID = "request_id"  # the Celery header naming the request that enqueued the job

# Errors worth another try: the database, Redis or a remote service was unreachable or too slow, a
# serialization conflict was detected (PostgreSQL reports those as OperationalError), a lock timed out.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
MAX_ATTEMPTS = 5  # runs of one job, the first included, before a transient error leaves a dead letter
RETRY_BASE_SECONDS = 2.0  # the first retry waits 1-2 s, the next 2-4 s, then 4-8 s… (equal jitter)
RETRY_MAX_SECONDS = 600.0

# The queues, by kind of work, so a burst of one kind (photos to process, notes to fan out) never delays the
# others: `hongshu worker -Q media` runs workers for one of them. Every task is named here (a test checks it).
QUEUES = ("media", "search", "translation", "notifications", "fanout", "email", "default")
JOB_QUEUES: dict[str, str] = {
    "media.process": "media",
    "search.index_pending": "search",
    "search.index_member": "search",
    "embeddings.embed_note": "search",
    "language.pretranslate_trending": "translation",
    "notifications.notify": "notifications",
    "notifications.notify_note_mentions": "notifications",
    "notifications.on_like_added": "notifications",
    "notifications.on_collect_added": "notifications",
    "notifications.on_follow_added": "notifications",
    "notifications.on_follow_requested": "notifications",
    "notifications.on_comment_posted": "notifications",
    "notifications.on_comment_liked": "notifications",
    "moderation.report_outcome_notify": "notifications",
    "moderation.action_notify": "notifications",
    "moderation.appeal_notify": "notifications",
    "feeds.fanout_note": "fanout",
    "feeds.note_restored": "fanout",
    "feeds.follow_added": "fanout",
    "feeds.follows_accepted": "fanout",
    "accounts.send_member_mail": "email",
    "registration.application_outcome_mail": "email",
    "comments.reconcile_counts": "default",
    "comments.reconcile_like_counts": "default",
    "social.reconcile_counters": "default",
    "social.reconcile_drifted_counters": "default",
    "social.reconcile_follow_counts": "default",
    "discovery.refresh_pool": "default",
    "trends.flush_search_buffer": "default",
    "members.trust_recompute_all": "default",
    "members.trust_recompute_note_author": "default",
    "members.trust_recompute_liked": "default",
    "members.trust_recompute_commented": "default",
    "members.trust_recompute_member": "default",
    "members.surge_check": "default",
    "moderation.case_open": "default",
    "moderation.held_note_reviewed": "default",
    "moderation.lift_expired_suspensions": "default",
    "moderation.leases_expire": "default",
    "moderation.case_priorities_age": "default",
    "screening.burst_prune": "default",
    "core.prune_job_effects": "default",
    "members.export_build": "default",
    "members.exports_expire": "default",
    "members.purge_deleted": "default",
    "discovery.notes_purged": "default",
    "feeds.notes_purged": "default",
    "language.notes_purged": "default",
    "language.comments_purged": "default",
}
JOB_EFFECT_DAYS = 30  # how long an effect key is kept (core.models.JobEffect)
ENQUEUED_AT_HEADER = "hongshu_enqueued_at"  # set on every Celery message, read by jobs_queue_stats()


def queue_of(task_name: str) -> str:
    """The kind of queue a task runs on (unprefixed): `JOB_QUEUES`, or `default`."""
    return JOB_QUEUES.get(task_name, "default")


def queue_name(queue: str) -> str:
    """A queue's name on the broker: `HONGSHU_JOBS_QUEUE_PREFIX` + kind (instances sharing a Redis differ)."""
    return f"{settings.JOBS_QUEUE_PREFIX}{queue}"


def route_task(
    name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **kw: Any
) -> dict[str, str]:
    """Celery's router (`task_routes`): each task to the queue of its kind."""
    return {"queue": queue_name(queue_of(name))}


def stamp_enqueued_at(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """`before_task_publish` receiver: every message sent to Celery (by run_job, beat or a retry) says when it
    was queued, for the age of a queue's oldest job, and, when a request or job is being handled, which
    request caused it."""
    if headers is None:
        return
    headers.setdefault(ENQUEUED_AT_HEADER, time.time())
    if headers.get(REQUEST_ID) is None:
        headers[REQUEST_ID] = request_id_get()


def _job_header(task: Task[Any, Any], name: str) -> Any:
    """A header of the running job: a worker makes each one an attribute of the task's request, `apply`
    keeps them in its `headers`."""
    value = getattr(task.request, name, None)
    if value is None:
        value = (getattr(task.request, "headers", None) or {}).get(name)
    return value


def _level(task: Task[Any, Any]) -> int:
    return logging.DEBUG if task.request.is_eager else logging.INFO


_bound: dict[str, Any] = {}  # task id -> the context manager binding its request id, until it ends


@task_prerun.connect
def _job_started(task_id: str, task: Task[Any, Any], **_: Any) -> None:
    binding = request_id_bound(_job_header(task, REQUEST_ID) or request_id_get())
    binding.__enter__()
    _bound[task_id] = binding
    logger.log(_level(task), "job %s %s started", task.name, task_id)


@task_postrun.connect
def _job_ended(task_id: str, task: Task[Any, Any], state: str | None = None, **_: Any) -> None:
    logger.log(_level(task), "job %s %s ended: %s", task.name, task_id, state)
    binding = _bound.pop(task_id, None)
    if binding is not None:
        binding.__exit__(None, None, None)


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def traceback_excerpt(exc: BaseException, *, lines: int = 30) -> str:
    text = "".join(traceback.format_exception(exc))
    return "\n".join(text.splitlines()[-lines:])


class HongshuTask(Task):  # type: ignore[type-arg]
    """The base of every task (config/celery.py makes it the app's task class). On Celery: a transient error
    retries with exponential backoff and jitter, and the final failure leaves a dead letter. The database
    queue (core.jobqueue) calls the task directly, where the same errors propagate to its own retry loop."""

    autoretry_for = TRANSIENT_ERRORS
    max_retries = MAX_ATTEMPTS - 1
    retry_backoff = int(RETRY_BASE_SECONDS)
    retry_backoff_max = int(RETRY_MAX_SECONDS)
    retry_jitter = True
    acks_late = True
    reject_on_worker_lost = True

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        if self.request.is_eager or self.request.called_directly:
            return  # inline mode raises to the caller; the database queue keeps its own dead letters
        dead_letter_record(
            task=self.name,
            args=list(args or []),
            backend="celery",
            task_id=task_id or "",
            exc=exc,
            attempts=(self.request.retries or 0) + 1,
        )


def dead_letter_record(
    *, task: str, args: list[Any], backend: str, exc: BaseException, attempts: int, task_id: str = ""
) -> None:
    """Keep a job that failed for good. If the database itself is what failed, the log keeps it instead."""
    from hongshu.core.models import FailedJob

    logger.error("job %s%r failed for good after %d attempts: %s", task, args, attempts, error_text(exc))
    try:
        if not connection.in_atomic_block:  # a worker: replace a connection the failure broke
            close_old_connections()
        FailedJob.objects.create(
            task=task,
            args=args,
            queue=queue_of(task),
            backend=backend,
            task_id=task_id,
            error=error_text(exc),
            traceback=traceback_excerpt(exc),
            attempts=attempts,
            failed_at=timezone.now(),
        )
    except DatabaseError:
        logger.exception("could not record the dead letter of %s%r", task, args)


def effect_done(key: str) -> bool:
    """Whether the effect `key` already happened (a job's earlier delivery sent the mail)."""
    from hongshu.core.models import JobEffect

    return JobEffect.objects.filter(key=key).exists()


def effect_record(key: str) -> None:
    """Note that the effect `key` happened, right after it did. A crash between the two still repeats it:
    the window shrinks from the whole job to that instant."""
    from hongshu.core.models import JobEffect

    JobEffect.objects.get_or_create(key=key, defaults={"at": timezone.now()})


def job_effects_prune() -> int:
    from hongshu.core.models import JobEffect

    cutoff = timezone.now() - timedelta(days=JOB_EFFECT_DAYS)
    return JobEffect.objects.filter(at__lt=cutoff).delete()[0]


def run_job(task: Task[Any, Any], args: list[Any]) -> None:
    """Hand `task(*args)` to the configured backend now (callers outside a transaction: the scheduler)."""
    mode = settings.JOBS_MODE
    JOBS_ENQUEUED.labels(mode).inc()
    request_id = request_id_get()
    if mode == "celery":
        task.apply_async(args=tuple(args), headers={REQUEST_ID: request_id} if request_id else {})
    elif mode == "database":
        from hongshu.core.jobqueue import job_enqueue

        job_enqueue(task=task.name, args=args, unique=not args, request_id=request_id)
    else:
        # Called directly, not through `apply`: an error reaches the caller as raised, never as Celery's
        # eager `Retry`, and is not retried (the test suites want to see it at once).
        task(*args)


def enqueue_on_commit(task: Task[Any, Any], *args: Any) -> None:
    """Queue `task(*args)` to run once the current transaction commits (at once outside one)."""
    payload = json.loads(json.dumps(list(args)))
    if settings.JOBS_MODE == "database":
        # The row is written in the caller's transaction: no worker sees it before the commit, and a crash
        # right after the commit cannot lose it (an after-commit insert could).
        from hongshu.core.jobqueue import job_enqueue

        JOBS_ENQUEUED.labels("database").inc()
        job_enqueue(task=task.name, args=payload, request_id=request_id_get())
        return
    transaction.on_commit(lambda: run_job(task, payload))
