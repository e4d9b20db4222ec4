"""The durable job queue of the embedded default (a table: core.Job), its retries and dead letters."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from hongshu import cli
from hongshu.core import jobqueue
from hongshu.core.jobqueue import JobWorker, job_claim, job_enqueue, job_run, jobs_queue_stats, retry_delay
from hongshu.core.models import FailedJob, Job
from hongshu.notifications import services as notification_services
from hongshu.notifications.models import NotificationActor
from hongshu.social.services import follow_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_jobs(settings: Any) -> None:
    settings.JOBS_MODE = "database"


@pytest.fixture
def followed(make_member: Any, database_jobs: None) -> tuple[Any, Any]:
    """A follow whose notification job is queued in the table (and nothing has run it)."""
    cook, fan = make_member("jq_cook"), make_member("jq_fan")
    with transaction.atomic():
        follow_create(follower=fan, followee=cook)
    return cook, fan


class Rollback(Exception):
    pass


def told(cook: Any, fan: Any) -> int:
    return NotificationActor.objects.filter(notification__recipient=cook, actor=fan).count()


def test_a_queued_job_survives_a_restart_and_a_new_worker_runs_it(followed: tuple[Any, Any]) -> None:
    cook, fan = followed
    job = Job.objects.get(task="notifications.on_follow_added")
    assert job.state == Job.State.QUEUED
    assert job.args == [str(fan.pk), str(cook.pk)]
    assert job.queue == "notifications"
    assert told(cook, fan) == 0  # queued, not run: no process ran it before the "restart"

    # A new process: nothing in memory, only the table. Its worker finds the job and runs it.
    outcomes = JobWorker().run_until_empty()
    assert "done" in outcomes
    assert told(cook, fan) == 1
    assert not Job.objects.filter(task="notifications.on_follow_added").exists()


def test_a_job_whose_worker_died_is_taken_again_once_its_lease_ran_out(followed: tuple[Any, Any]) -> None:
    cook, fan = followed
    Job.objects.exclude(task="notifications.on_follow_added").delete()
    taken = job_claim(lease_seconds=60)
    assert taken is not None
    assert (taken.state, taken.attempts) == (Job.State.RUNNING, 1)
    # ... and its worker was killed before finishing. Within the lease nobody else takes it,
    assert job_claim(lease_seconds=60) is None
    # after it, another worker does (its second attempt) and the follower is told once.
    later = timezone.now() + timedelta(seconds=61)
    again = job_claim(lease_seconds=60, now=later)
    assert again is not None
    assert (again.pk, again.attempts) == (taken.pk, 2)
    assert job_run(again) == "done"
    assert told(cook, fan) == 1


def test_a_rolled_back_write_queues_nothing(make_member: Any, database_jobs: None) -> None:
    cook, fan = make_member("jq_cook2"), make_member("jq_fan2")
    Job.objects.all().delete()
    queued_inside = False
    with contextlib.suppress(Rollback), transaction.atomic():
        follow_create(follower=fan, followee=cook)
        queued_inside = Job.objects.filter(task="notifications.on_follow_added").exists()
        raise Rollback
    assert queued_inside  # written in the write's own transaction,
    assert not Job.objects.exists()  # so it went with it


def test_retry_delays_grow_exponentially_with_jitter_and_a_ceiling() -> None:
    for attempt in range(1, 12):
        ceiling = min(600.0, 2.0 * 2 ** (attempt - 1))
        samples = [retry_delay(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= s <= ceiling for s in samples)
        assert len(set(samples)) > 1  # jittered
    assert retry_delay(30) <= 600.0


def test_a_transient_failure_is_retried_with_growing_delays_then_succeeds(
    followed: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    cook, fan = followed
    Job.objects.exclude(task="notifications.on_follow_added").delete()
    real = notification_services.notification_record
    failures = iter([OperationalError("server closed the connection"), TimeoutError("timed out")])

    def flaky(**kwargs: Any) -> Any:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real(**kwargs)

    monkeypatch.setattr(notification_services, "notification_record", flaky)
    delays = []
    for attempt in (1, 2):
        job = job_claim(lease_seconds=60, now=Job.objects.get().run_at)
        assert job is not None
        assert job.attempts == attempt
        started = timezone.now()
        assert job_run(job, retry_base=10.0) == "retry"
        waiting = Job.objects.get()
        assert waiting.state == Job.State.QUEUED
        assert waiting.last_error.startswith(("OperationalError", "TimeoutError"))
        delays.append((waiting.run_at - started).total_seconds())
        assert job_claim(lease_seconds=60) is None  # not before its backoff
    assert 5.0 <= delays[0] <= 10.5
    assert 10.0 <= delays[1] <= 20.5
    assert delays[1] >= delays[0]

    job = job_claim(lease_seconds=60, now=Job.objects.get().run_at)
    assert job is not None
    assert job.attempts == 3
    assert job_run(job, retry_base=10.0) == "done"
    assert told(cook, fan) == 1
    assert not Job.objects.exists()
    assert not FailedJob.objects.exists()


def test_a_failure_that_persists_becomes_a_dead_letter_that_jobs_retry_replays(
    followed: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cook, fan = followed
    Job.objects.exclude(task="notifications.on_follow_added").delete()
    real = notification_services.notification_record

    def down(**kwargs: Any) -> Any:
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(notification_services, "notification_record", down)
    outcomes = []
    for _ in range(3):
        job = job_claim(lease_seconds=60, now=Job.objects.get().run_at)
        assert job is not None
        outcomes.append(job_run(job, max_attempts=3, retry_base=0.01))
    assert outcomes == ["retry", "retry", "dead"]
    assert not Job.objects.exists()
    (dead,) = FailedJob.objects.all()
    assert (dead.task, dead.args, dead.queue, dead.backend) == (
        "notifications.on_follow_added",
        [str(fan.pk), str(cook.pk)],
        "notifications",
        "database",
    )
    assert dead.attempts == 3
    assert dead.error == "OperationalError: could not connect to server"
    assert "could not connect to server" in dead.traceback

    cli.main(["jobs", "failed"])
    listed = capsys.readouterr().out
    assert f"{dead.pk}  " in listed
    assert "notifications.on_follow_added" in listed
    assert "attempts=3" in listed

    # The database is back: the operator replays it; attempts start over and the follower is told.
    monkeypatch.setattr(notification_services, "notification_record", real)
    cli.main(["jobs", "retry", str(dead.pk)])
    assert "Queued 1 job again." in capsys.readouterr().out
    assert not FailedJob.objects.exists()
    requeued = Job.objects.get()
    assert (requeued.task, requeued.attempts) == ("notifications.on_follow_added", 0)
    assert JobWorker().run_until_empty() == ["done"]
    assert told(cook, fan) == 1


def test_a_permanent_error_is_not_retried(database_jobs: None) -> None:
    job_enqueue(task="media.process", args=["not-a-number"])
    assert JobWorker().run_until_empty() == ["dead"]
    (dead,) = FailedJob.objects.all()
    assert dead.attempts == 1
    assert dead.error.startswith("ValueError")
    assert dead.queue == "media"


def test_an_unknown_task_is_a_dead_letter(database_jobs: None) -> None:
    job_enqueue(task="nowhere.nothing", args=[])
    assert JobWorker().run_until_empty() == ["dead"]
    assert FailedJob.objects.get().task == "nowhere.nothing"


def test_jobs_retry_all_and_its_arguments(database_jobs: None, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(2):
        job_enqueue(task="media.process", args=["x"])
    JobWorker().run_until_empty()
    assert FailedJob.objects.count() == 2
    with pytest.raises(SystemExit):
        cli.main(["jobs", "retry"])  # ids or --all
    cli.main(["jobs", "retry", "--all"])
    assert "Queued 2 jobs again." in capsys.readouterr().out
    assert Job.objects.filter(task="media.process", state=Job.State.QUEUED).count() == 2
    cli.main(["jobs", "retry", "999999"])
    assert "Queued 0 jobs again." in capsys.readouterr().out


def test_periodic_jobs_do_not_pile_up_while_no_worker_runs(database_jobs: None) -> None:
    from hongshu.core.jobs import run_job
    from hongshu.core.periodic import periodic_task

    for _ in range(3):
        run_job(periodic_task("discovery.refresh_pool"), [])
    assert Job.objects.filter(task="discovery.refresh_pool").count() == 1


def test_queue_stats_give_depth_and_oldest_age_per_queue(
    database_jobs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    Job.objects.all().delete()
    job_enqueue(task="media.process", args=["1"])
    job_enqueue(task="media.process", args=["2"])
    Job.objects.filter(args=["1"]).update(enqueued_at=timezone.now() - timedelta(seconds=90))
    job_enqueue(task="feeds.fanout_note", args=["3"])
    assert job_claim(lease_seconds=60) is not None  # the oldest, media 1: running now
    stats = {s.queue: s for s in jobs_queue_stats()}
    assert set(stats) == {"media", "search", "translation", "notifications", "fanout", "email", "default"}
    assert (stats["media"].depth, stats["media"].running) == (1, 1)
    assert (stats["fanout"].depth, stats["fanout"].running) == (1, 0)
    assert stats["search"].depth == 0
    assert stats["search"].oldest_age_seconds is None
    assert stats["fanout"].oldest_age_seconds is not None
    assert stats["fanout"].oldest_age_seconds < 60

    cli.main(["jobs", "stats"])
    lines = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["media"][1:3] == ["1", "1"]
    assert lines["search"][1:] == ["0", "0", "-"]


@pytest.mark.django_db(transaction=True)
def test_a_web_process_worker_thread_runs_committed_jobs(followed: tuple[Any, Any], settings: Any) -> None:
    """The thread gunicorn's hook starts in each web process (config/gunicorn.py), on its own connection."""
    cook, fan = followed
    settings.JOBS_POLL_SECONDS = 0.05
    worker = jobqueue.jobs_worker_start()
    assert worker is not None
    try:
        deadline = timezone.now() + timedelta(seconds=10)
        while told(cook, fan) == 0:
            assert timezone.now() < deadline
            threading.Event().wait(0.05)
    finally:
        worker.stop()
    assert worker.thread is not None
    assert not worker.thread.is_alive()
    settings.JOBS_MODE = "celery"
    assert jobqueue.jobs_worker_start() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_claims_are_exclusive_under_concurrency_on_postgresql(database_jobs: None) -> None:
    assert connection.vendor == "postgresql"
    Job.objects.bulk_create(
        Job(task="media.process", args=[str(n)], enqueued_at=timezone.now(), run_at=timezone.now())
        for n in range(200)
    )
    claimed: list[list[int]] = [[] for _ in range(6)]
    start = threading.Barrier(6)

    def claim_all(mine: list[int]) -> None:
        try:
            start.wait()
            while (job := job_claim(lease_seconds=60)) is not None:
                mine.append(job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim_all, args=(c,)) for c in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    every = [pk for mine in claimed for pk in mine]
    assert len(every) == 200
    assert len(set(every)) == 200  # no job taken twice
    assert sum(1 for mine in claimed if mine) > 1  # they really ran side by side
    assert Job.objects.filter(state=Job.State.RUNNING, attempts=1).count() == 200


@pytest.mark.postgres
def test_jobs_in_a_web_process_run_without_its_statement_timeout(
    database_jobs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HONGSHU_PROCESS", "web")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 15000")  # what a web process's connection starts with
    job_enqueue(task="screening.burst_prune", args=[])
    assert JobWorker().run_until_empty() == ["done"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)
