"""The SQLite database, its -wal/-shm companions and var/ are private to the account running Hongshu."""

from __future__ import annotations

import os
import runpy
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

from hongshu.config import env as env_module

HONGSHU = str(Path(sys.executable).with_name("hongshu"))
SETTINGS_FILE = Path(env_module.__file__).with_name("settings.py")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _operator_env(var_dir: Path) -> dict[str, str]:
    """No database, Redis or HONGSHU_* setting of the test run leaks into the command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HONGSHU_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["HONGSHU_VAR_DIR"] = str(var_dir)
    return env


def _connect(path: Path) -> Any:
    """A connection through the project's SQLite backend, with the project's options (WAL)."""
    database = {
        "ENGINE": "hongshu.config.sqlite",
        "NAME": str(path),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
    }
    return ConnectionHandler({"default": database})["default"]


def test_sqlite_database_world_readable_after_migrate(tmp_path: Path) -> None:
    """`hongshu migrate` under the usual umask (022) used to leave var/ 0755 and the database 0644."""
    var_dir = tmp_path / "var"
    subprocess.run(
        [HONGSHU, "migrate", "--verbosity", "0"],
        env=_operator_env(var_dir),
        umask=0o022,
        check=True,
        capture_output=True,
    )
    assert _mode(var_dir) == 0o700
    database = var_dir / "hongshu.sqlite3"
    assert _mode(database) == 0o600
    for name in ("hongshu.sqlite3-wal", "hongshu.sqlite3-shm"):
        if (var_dir / name).exists():  # removed when the last connection closed cleanly
            assert _mode(var_dir / name) == 0o600, name
    with sqlite3.connect(database) as check:  # and it is a real, migrated database
        assert check.execute("select count(*) from django_migrations").fetchone()[0] > 10


def test_wal_and_shm_files_are_created_private(tmp_path: Path, django_db_blocker: Any) -> None:
    old_umask = os.umask(0o022)
    try:
        connection = _connect(tmp_path / "new.sqlite3")
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("create table t (x integer)")
            cursor.execute("insert into t values (1)")
        # While the connection is open, the write-ahead log and shared memory index exist.
        for name in ("new.sqlite3", "new.sqlite3-wal", "new.sqlite3-shm"):
            assert _mode(tmp_path / name) == 0o600, name
        connection.close()
    finally:
        os.umask(old_umask)


def test_files_left_readable_by_an_older_version_are_tightened(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    path = tmp_path / "old.sqlite3"
    old_umask = os.umask(0o022)
    try:
        older = sqlite3.connect(path)  # as an older Hongshu created it: 0644, with its companions
        older.execute("pragma journal_mode=wal")
        older.execute("create table t (x integer)")
        older.commit()
    finally:
        os.umask(old_umask)
    try:
        assert _mode(path) == 0o644
        assert _mode(tmp_path / "old.sqlite3-wal") == 0o644
        connection = _connect(path)
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("select count(*) from t")
            assert cursor.fetchone()[0] == 0
        for name in ("old.sqlite3", "old.sqlite3-wal", "old.sqlite3-shm"):
            assert _mode(tmp_path / name) == 0o600, name
        connection.close()
    finally:
        older.close()


def test_an_existing_open_var_dir_is_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o755)
    os.chmod(var_dir, 0o755)  # noqa: S103 - the open folder an older version left, whatever the umask
    for key in list(os.environ):
        if key.startswith("HONGSHU_") or key in ("DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # pydantic-settings reads `.env` from the working directory
    monkeypatch.setenv("HONGSHU_VAR_DIR", str(var_dir))
    runpy.run_path(str(SETTINGS_FILE))
    assert _mode(var_dir) == 0o700
