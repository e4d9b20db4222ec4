"""The database job queue across processes: jobs queued by one process are run by a worker started later."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from hongshu.core.models import Job
from hongshu.notifications.models import NotificationActor
from hongshu.social.services import follow_create


def database_url_of_test_database() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{db['HOST']}{port}/{quote(db['NAME'], safe='')}"


pytestmark = [pytest.mark.postgres]


def test_jobs_queued_before_a_restart_are_run_by_a_new_worker_process(
    transactional_db: None, settings: Any, make_member: Any
) -> None:
    settings.JOBS_MODE = "database"
    cook = make_member("restart_cook")
    fans = [make_member(f"restart_fan_{n}") for n in range(5)]
    for fan in fans:
        with transaction.atomic():
            follow_create(follower=fan, followee=cook)  # committed: the jobs wait in the table
    assert Job.objects.filter(task="notifications.on_follow_added").count() == 5
    assert not NotificationActor.objects.filter(notification__recipient=cook).exists()

    # This process (the one that queued them) is gone as far as the queue knows; a new one starts.
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_database(),
        "HONGSHU_JOBS": "database",
        "HONGSHU_VAR_DIR": str(settings.VAR_DIR),
        "HONGSHU_SECRET_KEY": settings.SECRET_KEY,
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "from hongshu.cli import main; main()", "jobs", "work", "--once"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Ran " in done.stdout
    assert not Job.objects.filter(task="notifications.on_follow_added").exists()
    told = NotificationActor.objects.filter(notification__recipient=cook).values_list("actor_id", flat=True)
    assert sorted(told) == sorted(fan.pk for fan in fans)


def test_a_worker_process_runs_jobs_as_they_come_and_stops_on_sigterm(
    transactional_db: None, settings: Any, make_member: Any
) -> None:
    import signal
    import time

    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_database(),
        "HONGSHU_JOBS": "database",
        "HONGSHU_JOBS_POLL_SECONDS": "0.2",
        "HONGSHU_VAR_DIR": str(settings.VAR_DIR),
        "HONGSHU_SECRET_KEY": settings.SECRET_KEY,
    }
    env.pop("REDIS_URL", None)
    cook, fan = make_member("steady_cook"), make_member("steady_fan")
    worker = subprocess.Popen(
        [sys.executable, "-c", "from hongshu.cli import main; main()", "jobs", "work"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        settings.JOBS_MODE = "database"
        with transaction.atomic():
            follow_create(follower=fan, followee=cook)
        deadline = time.monotonic() + 60
        while not NotificationActor.objects.filter(notification__recipient=cook, actor=fan).exists():
            assert worker.poll() is None, worker.communicate()[0]
            assert time.monotonic() < deadline, "the worker process ran nothing"
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert not Job.objects.exists()
