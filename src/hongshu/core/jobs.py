"""Background jobs: side effects run after the transaction commits, never from signals.

`enqueue_on_commit(task, *args)` round-trips the arguments through JSON at once, so a payload that a worker
could not receive fails where it is written, in every mode:
- `inline` runs the task right after commit in the same thread (tests);
- `thread` runs it on an in-process pool (the embedded default of `make run`);
- `celery` sends it to Celery workers on Redis.

Every job carries the id of the request that enqueued it (core.requestid) in its headers, and runs with that
id bound, so its log lines can be matched to the request. Celery messages also carry the time they were
sent (`enqueued_at`), from which /metrics reads the age of the oldest job waiting in each queue.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from celery import Task
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings
from django.db import close_old_connections, transaction

from hongshu.core.metrics import JOBS_ENQUEUED, THREAD_JOBS_WAITING
from hongshu.core.requestid import request_id_bound, request_id_get

logger = logging.getLogger(__name__)
REQUEST_ID = "request_id"  # the job header naming the request that enqueued it
ENQUEUED_AT = "enqueued_at"  # the job header with the Unix time it was sent (Celery only)
_pool: ThreadPoolExecutor | None = None


def _thread_pool() -> ThreadPoolExecutor:
    global _pool  # noqa: PLW0603 - one pool per process, created lazily after fork
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hongshu-job")
    return _pool


def _headers(request_id: str | None) -> dict[str, str]:
    return {REQUEST_ID: request_id} if request_id else {}


def _run_in_thread(task: Task[Any, Any], args: list[Any], request_id: str | None) -> None:
    THREAD_JOBS_WAITING.dec()
    close_old_connections()
    try:
        task.apply(args=tuple(args), throw=True, headers=_headers(request_id))
    except Exception:
        logger.exception("background job %s failed", task.name)
    finally:
        close_old_connections()


def run_job(task: Task[Any, Any], args: list[Any]) -> None:
    mode = settings.JOBS_MODE
    request_id = request_id_get()
    JOBS_ENQUEUED.labels(mode).inc()
    if mode == "celery":
        task.apply_async(args=tuple(args), headers=_headers(request_id))
    elif mode == "thread":
        THREAD_JOBS_WAITING.inc()
        _thread_pool().submit(_run_in_thread, task, args, request_id)
    else:
        task.apply(args=tuple(args), throw=True, headers=_headers(request_id))


def enqueue_on_commit(task: Task[Any, Any], *args: Any) -> None:
    """Queue `task(*args)` to run once the current transaction commits (at once outside one)."""
    payload = json.loads(json.dumps(list(args)))
    transaction.on_commit(lambda: run_job(task, payload))


def _job_header(task: Task[Any, Any], name: str) -> Any:
    """A header of the running job: a worker makes each one an attribute of the task's request, `apply`
    (inline and thread modes) keeps them in its `headers`."""
    value = getattr(task.request, name, None)
    if value is None:
        value = (getattr(task.request, "headers", None) or {}).get(name)
    return value


@before_task_publish.connect
def _stamp_job(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """Every message sent to Celery (by run_job, beat or a retry) says when it was sent and, when a request
    or job is being handled, which request caused it."""
    if headers is None:
        return
    headers.setdefault(ENQUEUED_AT, time.time())
    if headers.get(REQUEST_ID) is None:
        headers[REQUEST_ID] = request_id_get()


def _level(task: Task[Any, Any]) -> int:
    return logging.DEBUG if task.request.is_eager else logging.INFO


_bound: dict[str, Any] = {}  # task id -> the context manager binding its request id, until it ends


@task_prerun.connect
def _job_started(task_id: str, task: Task[Any, Any], **_: Any) -> None:
    request_id = _job_header(task, REQUEST_ID)
    binding = request_id_bound(request_id or request_id_get())
    binding.__enter__()
    _bound[task_id] = binding
    # INFO on a worker; in-process runs (inline, thread) would add a line per job to the web server's log.
    logger.log(_level(task), "job %s %s started", task.name, task_id)


@task_postrun.connect
def _job_ended(task_id: str, task: Task[Any, Any], state: str | None = None, **_: Any) -> None:
    logger.log(_level(task), "job %s %s ended: %s", task.name, task_id, state)
    binding = _bound.pop(task_id, None)
    if binding is not None:
        binding.__exit__(None, None, None)
