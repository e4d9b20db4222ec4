"""Each request has an id: taken from a trusted proxy's X-Request-ID, else generated; echoed in the response,
written in every log line of the request, and carried to the jobs it enqueued (thread pool and Celery)."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client
from pythonjsonlogger.json import JsonFormatter

from hongshu.core import jobs
from hongshu.core.jobqueue import JobWorker
from hongshu.core.requestid import RequestIdFilter, request_id_bound
from hongshu.members.tasks import surge_check_task

PASSWORD = "correct horse battery"


@pytest.fixture
def trusted_proxy(settings: Any) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"trusted_proxies": ["10.0.0.0/8"]})


@pytest.fixture
def json_logs(settings: Any) -> Iterator[io.StringIO]:
    """The JSON log format of settings.LOGGING, written to a buffer from the app's loggers at DEBUG (not the
    root's: a worker starting up configures logging again, replacing the root's handlers)."""
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"log_format": "json"})
    options = {k: v for k, v in django_settings.LOGGING["formatters"]["json"].items() if k != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter(**options))
    root = logging.getLogger("hongshu")
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def database_jobs(settings: Any) -> Iterator[None]:
    """Jobs in the database queue, run by a worker thread as in a web process; the thread closes its database
    connection when stopped, so the test database can be dropped at the end of the run."""
    settings.JOBS_MODE = "database"
    worker = JobWorker(poll_seconds=0.05).start()
    yield
    worker.stop()


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


@pytest.mark.django_db
def test_a_generated_id_is_echoed(trusted_proxy: None) -> None:
    first = Client().get("/healthz", REMOTE_ADDR="203.0.113.5")["X-Request-ID"]
    second = Client().get("/healthz", REMOTE_ADDR="203.0.113.5")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


@pytest.mark.django_db
def test_the_header_is_believed_from_a_trusted_proxy_only(trusted_proxy: None) -> None:
    given = "4f1c2a9e8b7d6c5b4a39281706f5e4d3"
    proxied = Client().get("/healthz", REMOTE_ADDR="10.0.0.2", HTTP_X_REQUEST_ID=given)
    assert proxied["X-Request-ID"] == given
    spoofed = Client().get("/healthz", REMOTE_ADDR="203.0.113.5", HTTP_X_REQUEST_ID=given)
    assert spoofed["X-Request-ID"] != given
    # From a trusted proxy too, an id that could forge a log line is replaced.
    forged = Client().get("/healthz", REMOTE_ADDR="10.0.0.2", HTTP_X_REQUEST_ID="x\n{evil} ok")
    assert forged["X-Request-ID"] != "x\n{evil} ok"
    assert len(forged["X-Request-ID"]) == 32


@pytest.mark.django_db(transaction=True)
def test_the_id_is_in_the_request_log_and_in_the_jobs_it_enqueued(
    trusted_proxy: None, json_logs: io.StringIO, member_api: Any, ready_images: Any, database_jobs: None
) -> None:
    """In the database queue (HONGSHU_JOBS=database) the job runs in a worker thread, which does not inherit
    the request's context: the id reaches it only through the job's row."""
    writer, api = member_api("writer")
    photos = [{"media_id": media_id} for media_id in ready_images(writer)]
    given = "req-7d1e55b0c3a24f0f"
    response = api.post(
        "/notes",
        json={"title": "Request ids", "body": "followed into the jobs", "images": photos},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_REQUEST_ID=given,
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == given
    deadline = time.monotonic() + 20
    while not any(
        r["message"].endswith("ended: SUCCESS") for r in lines(json_logs) if r["request_id"] == given
    ):
        assert time.monotonic() < deadline, json_logs.getvalue()[-3000:]
        time.sleep(0.05)
    records = [r for r in lines(json_logs) if r["request_id"] == given]
    request_line = next(r for r in records if r["logger"] == "hongshu.request")
    assert request_line["message"] == "POST /api/v1/notes 201"
    assert request_line["route"] == "api/v1/notes"
    assert request_line["client_ip"] == "10.0.0.2"
    started = [r for r in records if r["logger"] == "hongshu.core.jobqueue" and " started" in r["message"]]
    assert started, "no job logged the request's id"
    assert {"time", "level", "logger", "message", "request_id"} <= set(started[0])
    # A job enqueued outside any request carries no id ("-"), not the last request's.
    with request_id_bound(None):
        jobs.run_job(surge_check_task, [])
    deadline = time.monotonic() + 20
    while not any(
        surge_check_task.name in r["message"] and "ended" in r["message"] for r in lines(json_logs)
    ):
        assert time.monotonic() < deadline, json_logs.getvalue()[-3000:]
        time.sleep(0.05)
    assert {r["request_id"] for r in lines(json_logs) if surge_check_task.name in r["message"]} == {"-"}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_logs_the_id_of_the_request_that_sent_the_job(
    json_logs: io.StringIO, settings: Any
) -> None:
    """Sent through Redis to a real worker (in a thread here, whose context the sender's never reaches)."""
    from celery.contrib.testing.worker import start_worker

    from hongshu.config.celery import app

    settings.JOBS_MODE = "celery"
    given = "celery-req-0b8f4e2a"

    def close_connections(**_: Any) -> None:  # in the worker's thread, which ends with the test
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
            with request_id_bound(given):
                jobs.run_job(surge_check_task, [])
            deadline = time.monotonic() + 30
            while not any(
                r["message"].endswith("ended: SUCCESS") for r in lines(json_logs) if r["request_id"] == given
            ):
                assert time.monotonic() < deadline, json_logs.getvalue()[-3000:]
                time.sleep(0.05)
    finally:
        task_postrun.disconnect(close_connections)
    started = [r for r in lines(json_logs) if r["request_id"] == given and " started" in r["message"]]
    assert started[0]["logger"] == "hongshu.core.jobs"
    assert started[0]["level"] == "INFO"  # a worker's job lines are at INFO (in-process ones at DEBUG)
    assert surge_check_task.name in started[0]["message"]
