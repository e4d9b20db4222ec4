"""What every PostgreSQL connection starts with (hongshu.config.settings: `jit` off; a web process's
`statement_timeout`), and the deploy check that names server settings our benchmarks showed to hurt."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

from hongshu.core.db_checks import postgres_settings_messages

pytestmark = pytest.mark.postgres

SHOW = (
    "import django, os; {prelude}django.setup(); from django.db import connection; c = connection.cursor(); "
    "c.execute('SHOW jit'); j = c.fetchone()[0]; c.execute('SHOW statement_timeout'); print(j, c.fetchone()[0])"
)


def _session_settings(prelude: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "HONGSHU_PROCESS"}
    environment.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
    db = connection.settings_dict  # the test database: DATABASE_URL's own may not exist
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    environment["DATABASE_URL"] = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    done = subprocess.run(
        [sys.executable, "-c", SHOW.format(prelude=prelude)],
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_a_web_process_gets_the_statement_timeout_and_jobs_do_not(db: None) -> None:
    # hongshu.config.wsgi is what gunicorn loads: importing it marks the process as a web one.
    assert _session_settings("import hongshu.config.wsgi; ") == "off 15s"
    assert _session_settings("", HONGSHU_DATABASE_WEB_STATEMENT_TIMEOUT_MS="2500", HONGSHU_PROCESS="web") == (
        "off 2500ms"
    )
    assert _session_settings("") == "off 0"  # a worker or a command: jit off, no timeout


def test_this_suites_connection_runs_without_jit(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_deploy_check_names_a_spinning_disk_random_page_cost(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET random_page_cost = 4")
        ids = {m.id for m in postgres_settings_messages()}
        assert "hongshu.W002" in ids
        cursor.execute("SET random_page_cost = 1.1")
        assert "hongshu.W002" not in {m.id for m in postgres_settings_messages()}
        cursor.execute("RESET random_page_cost")


def test_deploy_check_names_small_shared_buffers(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_bytes(current_setting('shared_buffers'))")
        small = cursor.fetchone()[0] < 256 * 1024 * 1024
    messages = {m.id: m for m in postgres_settings_messages()}
    assert ("hongshu.W001" in messages) is small
    if small:
        assert "shared_buffers" in messages["hongshu.W001"].msg
        assert "1/6" in (messages["hongshu.W001"].hint or "")
