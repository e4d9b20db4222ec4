"""Background jobs on real workers: a Celery worker process on Redis, sharing the PostgreSQL test database."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from PIL import Image

from hongshu.core.jobs import QUEUES
from hongshu.media.models import MediaAsset

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
WORKER_START_SECONDS = 60
PROCESSING_SECONDS = 60
VISIBILITY_TIMEOUT_SECONDS = 8


def database_url_of_test_database() -> str:
    """The URL of the database this test runs in (pytest-django's `<name>_test`, not the configured one)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{db['HOST']}{port}/{quote(db['NAME'], safe='')}"


class Worker:
    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_worker(settings: Any, log: Path, *, prefix: str) -> Worker:
    """`celery worker --pool=solo` in a subprocess, on queues of its own (`prefix` + each kind), started."""
    node = f"{prefix}worker-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_database(),
        "REDIS_URL": settings.HONGSHU.redis_url,
        "HONGSHU_JOBS": "celery",
        "HONGSHU_JOBS_QUEUE_PREFIX": prefix,
        # A killed worker's unacknowledged job comes back after this (tests/postgres: test_no_job_is_lost_...).
        "HONGSHU_JOBS_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_TIMEOUT_SECONDS),
        "HONGSHU_VAR_DIR": str(settings.VAR_DIR),
        "HONGSHU_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "HONGSHU_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "hongshu.config.settings",
    }
    queues = ",".join(f"{prefix}{queue}" for queue in QUEUES)
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "hongshu.config.celery", "worker", "--pool=solo",
             "--queues", queues, "--hostname", node, "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    worker = Worker(process, log)
    deadline = time.monotonic() + WORKER_START_SECONDS
    while " ready." not in worker.output():
        assert process.poll() is None, f"the Celery worker exited:\n{worker.output()}"
        assert time.monotonic() < deadline, f"the Celery worker did not start:\n{worker.output()}"
        time.sleep(0.2)
    return worker


def stop_worker(worker: Worker) -> None:
    process = worker.process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # warm shutdown: finishes the job in hand
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def celery_workers(transactional_db: None, settings: Any, tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    """Starts Celery workers on this test's own queues (a stray worker elsewhere cannot take our jobs), and
    sends this test's jobs there. The workers see the test's rows because the test runs in a transactional
    (committing) database, and its files because they get the same var/ and media folder."""
    prefix = f"hongshu-test-{uuid.uuid4().hex[:12]}-"
    started: list[Worker] = []

    def start() -> Worker:
        worker = start_worker(settings, tmp_path / f"celery-worker-{len(started)}.log", prefix=prefix)
        started.append(worker)
        settings.JOBS_MODE = "celery"
        settings.JOBS_QUEUE_PREFIX = prefix
        return worker

    try:
        yield start
    finally:
        for worker in started:
            stop_worker(worker)
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        client.delete(*[f"{prefix}{queue}" for queue in QUEUES])


@pytest.fixture
def celery_worker(celery_workers: Callable[[], Worker]) -> Worker:
    return celery_workers()


class _MultipartRequest(DjangoOpenAPIRequest):
    # openapi-core reads `request.body` to validate a response, which Django refuses once it has parsed a
    # multipart upload; the response check does not need it (as in tests/media/conftest.py).
    @property
    def body(self) -> bytes:
        return b""


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1600, 1200), "seagreen")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 26.0), 3: "E", 4: (116.0, 23.0, 29.0)}  # GPS IFD: Beijing
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_a_celery_worker_processes_an_upload(celery_worker: Worker, member_api: Any) -> None:
    _user, client = member_api("mei_celery")
    upload = SimpleUploadedFile("beijing.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.client.post(
        "/api/v1/media", data={"file": upload}, headers={"Authorization": f"Bearer {client.token}"}
    )
    client.openapi.validate_response(
        _MultipartRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    assert response.status_code == 201, response.content
    media_id = int(response.json()["id"])

    deadline = time.monotonic() + PROCESSING_SECONDS
    asset = MediaAsset.objects.get(pk=media_id)
    while asset.state == MediaAsset.State.PENDING:
        assert celery_worker.process.poll() is None, f"the worker died:\n{celery_worker.output()}"
        assert time.monotonic() < deadline, f"still pending; worker log:\n{celery_worker.output()}"
        time.sleep(0.2)
        asset.refresh_from_db()

    assert asset.state == MediaAsset.State.READY, (asset.error_code, celery_worker.output())
    # It was the worker, not this process, that ran the job.
    assert "media.process" in celery_worker.output()
    assert "succeeded" in celery_worker.output()

    shown = client.get(f"/media/{media_id}")
    assert shown.status_code == 200
    body = shown.json()
    assert body["state"] == "ready"
    assert (body["width"], body["height"]) == (1600, 1200)
    assert body["blurhash"]
    assert body["urls"]
    # An unattached upload is visible to its owner only; the worker wrote the file where the web serves it.
    owner = {"Authorization": f"Bearer {client.token}"}
    served = Client().get(next(iter(body["urls"].values())), headers=owner)
    assert served.status_code == 200
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert image.format == "WEBP"
    assert not image.getexif().get_ifd(0x8825), "GPS data survived processing"


def test_a_celery_worker_indexes_a_new_note(celery_worker: Worker, post_note: Any) -> None:
    from hongshu.accounts.services import account_create
    from hongshu.notes.models import PendingNoteIndex
    from hongshu.search.selectors import search_notes

    cook = account_create(handle="celery_cook", password="a long test password 1")
    post_note(cook, title="wonton soup night")  # commits; the index job goes to the worker
    deadline = time.monotonic() + PROCESSING_SECONDS
    while PendingNoteIndex.objects.exists():
        assert celery_worker.process.poll() is None, f"the worker died:\n{celery_worker.output()}"
        assert time.monotonic() < deadline, f"still queued; worker log:\n{celery_worker.output()}"
        time.sleep(0.2)
    assert [n.title for n in search_notes(viewer=None, query="wonton").items] == ["wonton soup night"]
    assert "search.index_pending" in celery_worker.output()


def test_a_celery_worker_runs_the_consumer_of_an_announced_event(
    celery_worker: Worker, post_note: Any
) -> None:
    """`like_added` goes through core.events: the dotted path resolves in the web process, the worker runs it."""
    from hongshu.accounts.services import account_create
    from hongshu.interactions.services import like_create
    from hongshu.notifications.models import Notification

    cook = account_create(handle="celery_chef", password="a long test password 1")
    fan = account_create(handle="celery_fan", password="a long test password 1")
    note = post_note(cook, title="dumplings")
    like_create(user=fan, note_id=note.pk)  # commits (transactional db); the job goes to the worker
    deadline = time.monotonic() + PROCESSING_SECONDS
    while not Notification.objects.filter(recipient=cook, kind="like", note_id=note.pk).exists():
        assert celery_worker.process.poll() is None, f"the worker died:\n{celery_worker.output()}"
        assert time.monotonic() < deadline, f"no notification; worker log:\n{celery_worker.output()}"
        time.sleep(0.2)
    assert "notifications.on_like_added" in celery_worker.output()


def wait_for(
    condition: Callable[[], bool], workers: list[Worker], what: str, seconds: float = PROCESSING_SECONDS
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        logs = "\n".join(w.output()[-3000:] for w in workers)
        assert time.monotonic() < deadline, f"{what}; worker logs:\n{logs}"
        time.sleep(0.05)


def test_no_job_is_lost_nor_applied_twice_when_a_worker_is_killed(
    celery_workers: Callable[[], Worker],
) -> None:
    """kill -9 a worker while jobs wait in its queue: another worker runs the rest and, once the visibility
    timeout has passed, the job the dead one had taken but not acknowledged; every job takes effect once."""
    from hongshu.accounts.services import account_create
    from hongshu.core.jobqueue import jobs_queue_stats
    from hongshu.core.jobs import enqueue_on_commit
    from hongshu.notifications.models import NotificationActor
    from hongshu.notifications.tasks import notify_follow_added_task

    jobs = 200
    cook = account_create(handle="kill_cook", password="a long test password 1")
    fans = [account_create(handle=f"kill_fan_{n}", password="a long test password 1") for n in range(jobs)]

    def told() -> int:
        return NotificationActor.objects.filter(notification__recipient=cook).count()

    first = celery_workers()
    for fan in fans:  # outside a transaction: each is sent at once
        enqueue_on_commit(notify_follow_added_task, str(fan.pk), str(cook.pk))
    wait_for(lambda: told() >= 20, [first], "the first worker ran nothing")
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait()
    assert first.process.returncode == -signal.SIGKILL
    assert told() < jobs, "the first worker finished everything before it was killed; queue more jobs"

    # The jobs left wait in the broker: the queue statistics see them.
    stats = {s.queue: s for s in jobs_queue_stats()}
    assert stats["notifications"].depth > 0
    assert stats["notifications"].oldest_age_seconds is not None
    assert stats["media"].depth == 0

    second = celery_workers()
    wait_for(lambda: told() == jobs, [first, second], f"jobs lost: {jobs - told()}", seconds=120)
    # Wait past the visibility timeout, so a job delivered twice would have run twice by now.
    time.sleep(VISIBILITY_TIMEOUT_SECONDS + 4)
    actors = list(
        NotificationActor.objects.filter(notification__recipient=cook).values_list("actor_id", flat=True)
    )
    assert sorted(actors) == sorted(fan.pk for fan in fans)  # each fan once: none lost, none applied twice
    assert "notifications.on_follow_added" in second.output()


def test_a_failed_job_leaves_a_dead_letter_that_jobs_retry_sends_again(
    celery_worker: Worker, capsys: pytest.CaptureFixture[str]
) -> None:
    from hongshu import cli
    from hongshu.core.jobs import enqueue_on_commit
    from hongshu.core.models import FailedJob
    from hongshu.media.tasks import process_media_task

    enqueue_on_commit(process_media_task, "not-a-number")  # a permanent error: no retry
    wait_for(FailedJob.objects.exists, [celery_worker], "no dead letter")
    dead = FailedJob.objects.get()
    assert (dead.task, dead.args, dead.queue, dead.backend, dead.attempts) == (
        "media.process",
        ["not-a-number"],
        "media",
        "celery",
        1,
    )
    assert dead.error.startswith("ValueError")
    assert dead.task_id
    assert "ValueError" in dead.traceback

    cli.main(["jobs", "failed"])
    assert "media.process('not-a-number',)" in capsys.readouterr().out
    cli.main(["jobs", "retry", str(dead.pk)])
    assert "Queued 1 job again." in capsys.readouterr().out
    # The worker runs it again (and it fails again: a new dead letter, with a new task id).
    wait_for(
        lambda: FailedJob.objects.exclude(pk=dead.pk).exists(), [celery_worker], "the replay did not run"
    )
    again = FailedJob.objects.get()
    assert again.task_id != dead.task_id
    assert again.task == "media.process"
