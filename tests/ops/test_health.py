"""/healthz answers without the database; /readyz tries each dependency and names the ones that failed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

# Ports nothing listens on: connections to them are refused at once.
CLOSED_DB = "postgres://postgres@127.0.0.1:9/hongshu"
CLOSED_REDIS = "redis://127.0.0.1:9/0"


def test_healthz_answers_without_touching_the_database() -> None:
    # No django_db mark: pytest-django makes any database access in this test an error.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_readyz_reports_each_dependency_of_this_configuration() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    expected = {"database": "ok"}
    if settings.HONGSHU.redis_url:  # the PostgreSQL + Redis suite: the cache is Redis
        expected["cache"] = "ok"
    assert response.json() == {"status": "ok", "checks": expected}


def test_probes_take_only_get() -> None:
    response = Client().post("/healthz")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response["Allow"] == "GET, HEAD"


def readyz_in_a_process(tmp_path: Path, **env: str) -> tuple[int, dict[str, Any]]:
    """GET /readyz in a fresh process configured by `env` (Django's connections are set up at start)."""
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/readyz'); print(r.status_code); print(r['Content-Type']); print(r.content.decode())"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("HONGSHU_")}
    base |= {"DATABASE_URL": "", "REDIS_URL": "", "HONGSHU_VAR_DIR": str(tmp_path / "var")}
    base |= {"DJANGO_SETTINGS_MODULE": "hongshu.config.settings", **env}
    done = subprocess.run(
        [sys.executable, "-c", script], env=base, capture_output=True, text=True, timeout=120, check=True
    )
    status, content_type, body = done.stdout.strip().splitlines()[-3:]
    assert content_type == ("application/problem+json" if status == "503" else "application/json")
    return int(status), json.loads(body)


def test_readyz_is_503_naming_the_unreachable_database_cache_and_queue(tmp_path: Path) -> None:
    status, problem = readyz_in_a_process(
        tmp_path, DATABASE_URL=CLOSED_DB, REDIS_URL=CLOSED_REDIS, HONGSHU_JOBS="celery"
    )
    assert status == 503
    assert problem["code"] == "not_ready"
    assert problem["status"] == 503
    assert problem["failed"] == ["database", "cache", "jobs"]
    assert problem["detail"] == "Unreachable: database, cache, jobs."
    assert problem["checks"]["database"].startswith("unreachable: OperationalError")
    assert problem["checks"]["cache"].startswith("unreachable: ConnectionError")


def test_readyz_names_only_what_failed(tmp_path: Path) -> None:
    # SQLite answers; Redis, the cache and the job queue's broker, does not.
    status, problem = readyz_in_a_process(tmp_path, REDIS_URL=CLOSED_REDIS)
    assert status == 503
    assert problem["failed"] == ["cache", "jobs"]
    assert problem["checks"]["database"] == "ok"
    status, body = readyz_in_a_process(tmp_path)
    assert (status, body) == (200, {"status": "ok", "checks": {"database": "ok"}})
