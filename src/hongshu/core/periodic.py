"""Periodic jobs: one table, run by Celery beat at scale and by an in-process scheduler otherwise.

`PERIODIC_JOBS` is the only list of them. `config/celery.py` builds beat's schedule from it, and the web
processes of the embedded default (`HONGSHU_JOBS` other than `celery`, where no beat runs) start
`periodic_start()` from gunicorn's `post_worker_init` hook (`config/gunicorn.py`). Only one process of a host
runs the schedule: each worker's scheduler thread waits for an exclusive lock on a file under
`HONGSHU_VAR_DIR`, which the kernel releases when its holder exits, so another worker takes over. The
scheduler only decides *when*: it hands each due job to `core.jobs.run_job`, which queues it as an
after-commit job goes (a row of the job table in `database` mode, unless one of that task already waits, so a
schedule ticking while no worker runs does not pile them up), so the job itself runs on a worker.
"""

from __future__ import annotations

import fcntl
import importlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from celery import Task, current_app
from django.conf import settings
from django.db import close_old_connections

from hongshu.core.jobs import run_job

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str  # a Celery task's name, "<app>.<verb>", defined in hongshu/<app>/tasks.py (or TASK_MODULES)
    every: float  # seconds


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    # Index queue entries whose drain never ran (broker down at commit) or whose worker died (lease expired).
    PeriodicJob("drain-search-index", "search.index_pending", 60.0),
    # Anonymous searches are counted in Redis (trends.services.search_record); the log gets them every minute.
    PeriodicJob("flush-search-buffer", "trends.flush_search_buffer", 60.0),
    # Counters drift only when likes vanish behind the services' back; account deletion repairs its own.
    PeriodicJob("reconcile-drifted-counters", "social.reconcile_drifted_counters", 300.0),
    # Follower and following counters against the follow table (social.services.counters), in batches.
    PeriodicJob("reconcile-follow-counts", "social.reconcile_follow_counts", 3600.0),
    # A no-op unless a translation provider is configured (the offline gloss is never pre-computed).
    PeriodicJob("pretranslate-trending", "language.pretranslate_trending", 600.0),
    # Surge posture follows the last hour's sign-ups (surge_mode auto); each flip is a PostureChange.
    PeriodicJob("surge-check", "members.surge_check", 60.0),
    # Trust levels move with age and email verification too, which no event announces.
    PeriodicJob("trust-recompute", "members.trust_recompute_all", 3600.0),
    # Explore's trending pool: engagement decays with age, so scores move even when nothing happens.
    PeriodicJob("refresh-explore-pool", "discovery.refresh_pool", 300.0),
    # Spam bursts compare texts within a window (HONGSHU_SCREENING_BURST_WINDOW_MINUTES); older bands go.
    PeriodicJob("prune-burst-bands", "screening.burst_prune", 600.0),
    # Suspensions end on their own: the member is active again once nothing else bars them.
    PeriodicJob("lift-expired-suspensions", "moderation.lift_expired_suspensions", 300.0),
    # A claim on a case is a lease (HONGSHU_CASE_LEASE_MINUTES): expired ones go back to their queues.
    PeriodicJob("expire-case-leases", "moderation.leases_expire", 60.0),
    # The queues sort by a stored priority whose age term grows: 5 minutes move it by at most 0.014.
    PeriodicJob("age-case-priorities", "moderation.case_priorities_age", 300.0),
    # Keys of effects jobs must not repeat (mails sent) are kept a month (core.models.JobEffect).
    PeriodicJob("prune-job-effects", "core.prune_job_effects", 86400.0),
    # Deleted notes and comments past HONGSHU_PURGE_AFTER_DAYS go for good, with their files.
    PeriodicJob("purge-deleted", "members.purge_deleted", 3600.0),
    # Members' data exports past HONGSHU_EXPORT_EXPIRE_DAYS: their files are deleted.
    PeriodicJob("expire-exports", "members.exports_expire", 3600.0),
)

# Tasks whose module is not hongshu/<app>/tasks.py: they moved to another app and kept their names, which
# queued jobs and the schedule above carry.
TASK_MODULES = {
    "social.reconcile_counters": "hongshu.interactions.tasks",
    "social.reconcile_drifted_counters": "hongshu.interactions.tasks",
}

LOCK_FILE = "periodic.lock"
LOCK_RETRY_SECONDS = 30.0  # how soon another worker takes over the schedule after its holder exits


def beat_schedule(jobs: Sequence[PeriodicJob] = PERIODIC_JOBS) -> dict[str, dict[str, Any]]:
    """The table as Celery beat's `beat_schedule`."""
    return {job.name: {"task": job.task, "schedule": job.every} for job in jobs}


def periodic_task(name: str) -> Task[Any, Any]:
    """The registered Celery task called `name`, importing its app's tasks module first (web processes do
    not import every tasks module, and Celery's autodiscovery runs only in workers)."""
    importlib.import_module(TASK_MODULES.get(name, f"hongshu.{name.split('.', 1)[0]}.tasks"))
    task: Task[Any, Any] = current_app.tasks[name]
    return task


def _run_periodic(job: PeriodicJob) -> None:
    run_job(periodic_task(job.task), [])


class PeriodicScheduler:
    """Runs each job every `job.every` seconds of `clock`, the first time one interval after it starts."""

    def __init__(
        self,
        jobs: Sequence[PeriodicJob] = PERIODIC_JOBS,
        *,
        clock: Callable[[], float] = time.monotonic,
        run: Callable[[PeriodicJob], None] = _run_periodic,
    ) -> None:
        self.jobs, self.clock, self.run = tuple(jobs), clock, run
        start = clock()
        self.due = {job.name: start + job.every for job in self.jobs}

    def run_due(self) -> list[str]:
        """Run the jobs that are due now; returns their names. A failing job is logged and rescheduled."""
        now, ran = self.clock(), []
        for job in self.jobs:
            if self.due[job.name] <= now:
                self.due[job.name] = now + job.every  # from now: a late tick does not queue a burst
                try:
                    self.run(job)
                except Exception:
                    logger.exception("periodic job %s failed", job.name)
                ran.append(job.name)
        return ran

    def seconds_to_next(self) -> float:
        return max(0.0, min(self.due.values(), default=self.clock() + 60.0) - self.clock())


def _try_lock(path: Path) -> IO[bytes] | None:
    """An exclusive lock on `path`, held while the returned file stays open (None if another holds it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("ab")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


class PeriodicRunner:
    """A daemon thread that waits for the host's lock, then runs a `PeriodicScheduler` until stopped."""

    def __init__(self, scheduler: PeriodicScheduler, *, lock_path: Path, retry: float = LOCK_RETRY_SECONDS):
        self.scheduler, self.lock_path, self.retry = scheduler, lock_path, retry
        self.stopped = threading.Event()
        self.leading = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="hongshu-periodic", daemon=True)

    def start(self) -> PeriodicRunner:
        self.thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.stopped.set()
        self.thread.join(timeout)

    def _loop(self) -> None:
        lock = None
        while lock is None:
            lock = _try_lock(self.lock_path)
            if lock is None and self.stopped.wait(self.retry):
                return
        with lock:
            self.leading.set()
            while not self.stopped.is_set():
                self.scheduler.run_due()
                close_old_connections()  # inline mode runs jobs in this thread
                self.stopped.wait(self.scheduler.seconds_to_next())


def periodic_start(
    *, scheduler: PeriodicScheduler | None = None, lock_path: Path | None = None
) -> PeriodicRunner | None:
    """Start the in-process schedule in this process unless jobs go to Celery (whose beat runs them)."""
    if settings.JOBS_MODE == "celery":
        return None
    return PeriodicRunner(
        scheduler or PeriodicScheduler(), lock_path=lock_path or Path(settings.VAR_DIR) / LOCK_FILE
    ).start()
