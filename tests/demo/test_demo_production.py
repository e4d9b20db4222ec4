"""The demo members sign in with a published password: production refuses to create them."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hongshu.accounts.models import User
from hongshu.demo.content import MEMBERS
from hongshu.demo.services import DemoRefusedError, demo_load

HONGSHU = str(Path(sys.executable).with_name("hongshu"))
SECRET_KEY = "p" * 24 + "-Zq8vR2mX7pL4nT9wY3bF6"  # 46 characters: production's key rule is met


def _production_env(var_dir: Path) -> dict[str, str]:
    """An operator's production environment: none of the test run's database, Redis or job settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HONGSHU_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env |= {"HONGSHU_VAR_DIR": str(var_dir), "HONGSHU_ENVIRONMENT": "production"}
    env["HONGSHU_SECRET_KEY"] = SECRET_KEY
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_load_in_production_creates_no_demo_member(db: None, settings: Any) -> None:
    settings.HONGSHU_ENVIRONMENT = "production"
    with pytest.raises(DemoRefusedError, match="HONGSHU_ENVIRONMENT=production"):
        demo_load(photos_per_note_max=1)
    assert not User.objects.exists()


def test_hongshu_run_loads_demo_members_in_production(tmp_path: Path) -> None:
    """`hongshu run` (and `hongshu demo`) used to create the demo members, password printed, in production."""
    var_dir = tmp_path / "var"
    env = _production_env(var_dir)
    subprocess.run([HONGSHU, "migrate", "--verbosity", "0"], env=env, check=True, capture_output=True)
    for command in (["run", "--workers", "1", "--port", str(_free_port())], ["demo"]):
        # A timeout rather than a hang if it were to serve: the refusal comes before migrating or serving.
        refused = subprocess.run(
            [HONGSHU, *command], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert refused.returncode != 0, command
        assert "Refusing to load the demo content in production" in refused.stderr, command
        assert "hongshu serve" in refused.stderr
        assert MEMBERS[0].handle not in refused.stdout  # no banner with the demo handles and their password
        with sqlite3.connect(var_dir / "hongshu.sqlite3") as database:
            assert database.execute("select count(*) from accounts_user").fetchone()[0] == 0, command
