"""Background jobs: side effects run after the transaction commits, never from signals.

`enqueue_on_commit(task, *args)` round-trips the arguments through JSON at once, so a payload that a worker
could not receive fails where it is written, in every mode:
- `inline` runs the task right after commit in the same thread (tests);
- `thread` runs it on an in-process pool (the embedded default of `make run`);
- `celery` sends it to Celery workers on Redis.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from celery import Task
from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None


def _thread_pool() -> ThreadPoolExecutor:
    global _pool  # noqa: PLW0603 - one pool per process, created lazily after fork
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hongshu-job")
    return _pool


def _run_in_thread(task: Task[Any, Any], args: list[Any]) -> None:
    close_old_connections()
    try:
        task.apply(args=tuple(args), throw=True)
    except Exception:
        logger.exception("background job %s failed", task.name)
    finally:
        close_old_connections()


def run_job(task: Task[Any, Any], args: list[Any]) -> None:
    mode = settings.JOBS_MODE
    if mode == "celery":
        task.apply_async(args=tuple(args))
    elif mode == "thread":
        _thread_pool().submit(_run_in_thread, task, args)
    else:
        task.apply(args=tuple(args), throw=True)


def enqueue_on_commit(task: Task[Any, Any], *args: Any) -> None:
    """Queue `task(*args)` to run once the current transaction commits (at once outside one)."""
    payload = json.loads(json.dumps(list(args)))
    transaction.on_commit(lambda: run_job(task, payload))
