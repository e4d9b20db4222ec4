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
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from PIL import Image

from hongshu.config.celery import app as celery_app
from hongshu.media.models import MediaAsset

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
WORKER_START_SECONDS = 60
PROCESSING_SECONDS = 60


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


@pytest.fixture
def celery_worker(transactional_db: None, settings: Any, tmp_path: Path) -> Iterator[Worker]:
    """`celery worker --pool=solo` in a subprocess, on a queue of its own, with jobs of this test sent to it.

    The worker sees the test's rows because the test runs in a transactional (committing) database, and
    the test's files because it gets the same var/ and media folder.
    """
    queue = f"hongshu-test-{uuid.uuid4().hex[:12]}"  # a stray worker elsewhere cannot take our jobs
    node = f"{queue}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_database(),
        "REDIS_URL": settings.HONGSHU.redis_url,
        "HONGSHU_JOBS": "celery",
        "HONGSHU_VAR_DIR": str(settings.VAR_DIR),
        "HONGSHU_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "HONGSHU_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "hongshu.config.settings",
    }
    log = tmp_path / "celery-worker.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "hongshu.config.celery", "worker", "--pool=solo",
             "--queues", queue, "--hostname", node, "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    worker = Worker(process, log)
    previous_queue = celery_app.conf.task_default_queue
    try:
        deadline = time.monotonic() + WORKER_START_SECONDS
        while " ready." not in worker.output():
            assert process.poll() is None, f"the Celery worker exited:\n{worker.output()}"
            assert time.monotonic() < deadline, f"the Celery worker did not start:\n{worker.output()}"
            time.sleep(0.2)
        settings.JOBS_MODE = "celery"
        celery_app.conf.task_default_queue = queue
        yield worker
    finally:
        celery_app.conf.task_default_queue = previous_queue
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # warm shutdown: finishes the job in hand
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


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
