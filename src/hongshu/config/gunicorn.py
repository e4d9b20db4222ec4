"""Gunicorn settings that the command line cannot carry: server hooks. `hongshu run` and `hongshu serve`
load this module (`--config python:hongshu.config.gunicorn`); their flags override anything set here."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Each worker runs a thread of the database job queue (core.jobqueue) unless jobs go to Celery, and offers
    to run the periodic jobs; one per host gets the lock (core.periodic). Not in the master: the app is
    preloaded there before forking, and a thread using the database must not be forked."""
    from hongshu.core.jobqueue import jobs_worker_start
    from hongshu.core.periodic import periodic_start

    periodic_start()
    jobs_worker_start()


def child_exit(server: Any, worker: Any) -> None:
    """A worker's gauges stop counting once it is gone (prometheus_client's multiprocess mode)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
