"""Periodic jobs: one table for Celery beat and the in-process scheduler of the embedded default."""

from __future__ import annotations

import threading

import pytest

from hongshu import cli
from hongshu.config import gunicorn as gunicorn_config
from hongshu.config.celery import app
from hongshu.core import jobqueue, periodic
from hongshu.core.periodic import (
    PERIODIC_JOBS,
    PeriodicJob,
    PeriodicRunner,
    PeriodicScheduler,
    beat_schedule,
    periodic_start,
    periodic_task,
)
from hongshu.interactions import services as interactions
from hongshu.interactions.models import Like, NoteCounter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_celery_beat_and_the_in_process_scheduler_share_one_table():
    assert app.conf.beat_schedule == beat_schedule(PERIODIC_JOBS)
    assert {job.task for job in PeriodicScheduler().jobs} == {job.task for job in PERIODIC_JOBS}
    assert "social.reconcile_drifted_counters" in {job.task for job in PERIODIC_JOBS}
    for job in PERIODIC_JOBS:  # every entry names a task that exists
        assert periodic_task(job.task).name == job.task


def test_a_job_runs_when_due_and_again_one_interval_later():
    clock, ran = FakeClock(), []
    jobs = [PeriodicJob("often", "x.often", 60.0), PeriodicJob("rarely", "x.rarely", 300.0)]
    scheduler = PeriodicScheduler(jobs, clock=clock, run=lambda job: ran.append(job.name))
    assert scheduler.run_due() == []  # nothing at start
    clock.now += 59.0
    assert scheduler.run_due() == []
    assert scheduler.seconds_to_next() == 1.0
    clock.now += 1.0
    assert scheduler.run_due() == ["often"]
    clock.now += 200.0  # late: one run, not three
    assert scheduler.run_due() == ["often"]
    clock.now += 60.0
    assert scheduler.run_due() == ["often", "rarely"]
    assert ran == ["often", "often", "often", "rarely"]


def test_a_failing_job_is_logged_and_rescheduled(caplog):
    clock = FakeClock()

    def fail(job: PeriodicJob) -> None:
        raise RuntimeError("boom")

    scheduler = PeriodicScheduler([PeriodicJob("bad", "x.bad", 10.0)], clock=clock, run=fail)
    clock.now += 10.0
    assert scheduler.run_due() == ["bad"]
    assert "periodic job bad failed" in caplog.text
    assert scheduler.seconds_to_next() == 10.0


def test_the_scheduler_runs_the_real_drift_repair_when_due(member_api, make_member, post_note, api):
    author, _client = member_api("meimei")
    note = post_note(author, "viral")
    fan = make_member("fan")
    interactions.like_create(user=fan, note_id=note.pk)
    Like.objects.filter(user=fan).delete()  # behind the services' back
    clock = FakeClock()
    scheduler = PeriodicScheduler(clock=clock)  # the real table and runner (jobs inline in tests)
    clock.now += 299.0
    assert "reconcile-drifted-counters" not in scheduler.run_due()
    assert sum(NoteCounter.objects.filter(note=note).values_list("likes", flat=True)) == 1
    clock.now += 1.0
    assert "reconcile-drifted-counters" in scheduler.run_due()
    assert api.get(f"/notes/{note.pk}").json()["counts"]["likes"] == 0


def test_only_one_runner_per_lock_file_and_another_takes_over(tmp_path):
    ran = threading.Event()
    lock = tmp_path / "periodic.lock"

    def runner() -> PeriodicRunner:
        scheduler = PeriodicScheduler([PeriodicJob("tick", "x.tick", 0.01)], run=lambda job: ran.set())
        return PeriodicRunner(scheduler, lock_path=lock, retry=0.01).start()

    first = runner()
    assert first.leading.wait(5)
    assert ran.wait(5)  # a short interval, no sleeping for minutes
    second = runner()
    assert not second.leading.wait(0.2)  # the lock is held: this worker only waits
    first.stop()
    assert not first.thread.is_alive()
    assert second.leading.wait(5)  # the holder went away: the waiting worker takes over
    second.stop()


def test_not_started_when_celery_beat_runs_the_jobs(settings, tmp_path):
    settings.JOBS_MODE = "celery"
    assert periodic_start(lock_path=tmp_path / "lock") is None


def test_started_in_database_mode_by_the_gunicorn_worker_hook(settings, tmp_path, monkeypatch):
    settings.JOBS_MODE = "database"
    settings.VAR_DIR = tmp_path
    started: list[PeriodicRunner | None] = []
    real_start = periodic.periodic_start
    monkeypatch.setattr(periodic, "periodic_start", lambda: started.append(real_start()))
    workers: list[bool] = []  # the hook also starts a job queue worker (tests/core/test_jobqueue.py runs one)
    monkeypatch.setattr(jobqueue, "jobs_worker_start", lambda: workers.append(True))
    gunicorn_config.post_worker_init(worker=None)
    assert workers == [True]
    (runner,) = started
    assert runner is not None
    assert runner.leading.wait(5)
    assert (tmp_path / periodic.LOCK_FILE).exists()
    runner.stop()


def test_hongshu_serve_loads_the_hooks(monkeypatch):
    seen: list[list[str]] = []

    def fake_execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        seen.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr(cli.os, "execve", fake_execve)
    with pytest.raises(SystemExit):
        cli.serve([])
    command = seen[0]
    assert command[command.index("--config") + 1] == "python:hongshu.config.gunicorn"
