"""Celery's configuration of the jobs: a queue per kind of work, late acknowledgement, retries, dead letters."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError

from hongshu import cli
from hongshu.config.celery import app
from hongshu.core.jobs import (
    ENQUEUED_AT_HEADER,
    JOB_QUEUES,
    MAX_ATTEMPTS,
    QUEUES,
    TRANSIENT_ERRORS,
    HongshuTask,
    enqueue_on_commit,
    queue_name,
    stamp_enqueued_at,
)
from hongshu.core.models import FailedJob

SRC = Path(__file__).resolve().parents[2] / "src" / "hongshu"


def registered_tasks() -> dict[str, Any]:
    """Every task of the project, as a worker registers them (it imports each app's tasks module)."""
    for module in sorted(SRC.glob("*/tasks.py")):
        importlib.import_module(f"hongshu.{module.parent.name}.tasks")
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_has_a_queue_of_its_kind() -> None:
    tasks = registered_tasks()
    assert len(tasks) > 30
    assert set(tasks) == set(JOB_QUEUES), "add new tasks to hongshu.core.jobs.JOB_QUEUES"
    assert set(JOB_QUEUES.values()) == set(QUEUES)
    for name in tasks:
        route = app.amqp.router.route({}, name, (), {})
        assert route["queue"].name == JOB_QUEUES[name], name


@pytest.mark.parametrize(
    ("name", "queue"),
    [
        ("media.process", "media"),
        ("search.index_pending", "search"),
        ("language.pretranslate_trending", "translation"),
        ("notifications.on_like_added", "notifications"),
        ("feeds.fanout_note", "fanout"),
        ("accounts.send_member_mail", "email"),
        ("social.reconcile_counters", "default"),
    ],
)
def test_queues_carry_the_instance_prefix(settings: Any, name: str, queue: str) -> None:
    settings.JOBS_QUEUE_PREFIX = "blue-"
    assert app.amqp.router.route({}, name, (), {})["queue"].name == f"blue-{queue}"
    assert queue_name(queue) == f"blue-{queue}"


def test_jobs_are_acknowledged_late_and_requeued_when_their_worker_is_lost() -> None:
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_default_queue == "default"
    assert (
        conf.broker_transport_options["visibility_timeout"]
        == django_settings.HONGSHU.jobs_visibility_timeout_seconds
    )
    for name, task in registered_tasks().items():
        assert isinstance(task, HongshuTask), name
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is True, name


def test_every_task_retries_transient_errors_with_backoff_and_jitter() -> None:
    for name, task in registered_tasks().items():
        assert hasattr(task, "_orig_run"), f"{name} has no retry wrapper"
        assert set(TRANSIENT_ERRORS) <= set(task.autoretry_for) or OSError in task.autoretry_for, name
        assert task.retry_backoff >= 1, name
        assert task.retry_jitter is True, name
        assert task.max_retries <= MAX_ATTEMPTS - 1, name


def test_inline_jobs_raise_to_their_caller_and_leave_no_dead_letter(
    db: None, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from hongshu.search import services as search_services
    from hongshu.search.tasks import index_member_task

    calls = []

    def down(**kwargs: Any) -> None:
        calls.append(kwargs)
        raise OperationalError("gone")

    monkeypatch.setattr(search_services, "member_index", down)
    with pytest.raises(OperationalError), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(index_member_task, 1)
    assert calls == [{"user_id": 1}]  # once, as raised: no retry, no Celery `Retry` in its place
    assert not FailedJob.objects.exists()


def test_messages_are_stamped_with_when_they_were_queued() -> None:
    headers: dict[str, Any] = {}
    stamp_enqueued_at(headers=headers)
    assert isinstance(headers[ENQUEUED_AT_HEADER], float)


def test_hongshu_worker_consumes_every_queue(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: seen.append(argv))
    settings.JOBS_QUEUE_PREFIX = "blue-"
    cli.worker([])
    cli.worker(["-Q", "media"])
    every, media = seen
    assert every[every.index("-Q") + 1].split(",") == [f"blue-{queue}" for queue in QUEUES]
    assert media[-4:-2] == ["-Q", "media"] or "media" in media


def test_the_last_failed_run_on_a_worker_leaves_a_dead_letter(db: None) -> None:
    """What a Celery worker calls once a task gave up (`on_failure`), with the request of its last retry."""
    from hongshu.search.tasks import index_member_task

    try:
        raise OperationalError("could not connect to server")
    except OperationalError as exc:
        error = exc
    index_member_task.push_request(
        id="task-1", retries=MAX_ATTEMPTS - 1, called_directly=False, is_eager=False
    )
    try:
        index_member_task.on_failure(error, "task-1", ["7"], {}, None)
    finally:
        index_member_task.pop_request()
    dead = FailedJob.objects.get()
    assert (dead.task, dead.args, dead.queue, dead.backend, dead.task_id, dead.attempts) == (
        "search.index_member",
        ["7"],
        "search",
        "celery",
        "task-1",
        MAX_ATTEMPTS,
    )
    assert dead.error == "OperationalError: could not connect to server"
    assert "could not connect to server" in dead.traceback
