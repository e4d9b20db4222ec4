"""The `hongshu` command, run as operators run it: a real process, its own SQLite database, a real server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hongshu.demo.content import DEMO_PASSWORD, MEMBERS, NOTES

HONGSHU = str(Path(sys.executable).with_name("hongshu"))


def _env(var_dir: Path) -> dict[str, str]:
    """The operator's environment: none of the test run's database, Redis or job settings leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HONGSHU_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["HONGSHU_VAR_DIR"] = str(var_dir)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local URL we built
        return response.status, response.read()


def _run_until_serving(var_dir: Path, log: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [HONGSHU, "run", "--port", str(port), "--workers", "1", "--demo-photos-max", "1", *extra],
            env=_env(var_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if _get(f"http://127.0.0.1:{port}/")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("hongshu run did not serve within 120 s:\n" + log.read_text())


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)  # gunicorn replaced `hongshu run`, so this is the server itself
    process.wait(timeout=30)


def test_run_migrates_loads_the_demo_once_and_serves(tmp_path: Path) -> None:
    process, port = _run_until_serving(tmp_path, tmp_path / "first.log")
    try:
        _status, body = _get(f"http://127.0.0.1:{port}/")
        home = body.decode()
        assert NOTES[-1].title in home
        assert "/media/" in home
        first_image = home.split('class="cover__img" src="', 1)[1].split('"', 1)[0]
        assert _get(f"http://127.0.0.1:{port}{first_image}")[0] == 200
        assert _get(f"http://127.0.0.1:{port}/static/web/hongshu.js")[0] == 200
    finally:
        _stop(process)
    banner = (tmp_path / "first.log").read_text()
    assert f"http://127.0.0.1:{port}" in banner
    assert "(loaded)" in banner
    assert DEMO_PASSWORD in banner
    assert all(f"@{m.handle}" in banner for m in MEMBERS)

    process, port = _run_until_serving(tmp_path, tmp_path / "second.log")
    _stop(process)
    second = (tmp_path / "second.log").read_text()
    assert "(already loaded)" in second
    assert DEMO_PASSWORD in second
    count = subprocess.run(
        [HONGSHU, "shell", "-c", "from hongshu.notes.models import Note; print(Note.objects.count())"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert count.stdout.strip().splitlines()[-1] == str(len(NOTES))  # the second run loaded nothing
    again = subprocess.run([HONGSHU, "demo"], env=_env(tmp_path), capture_output=True, text=True, check=True)
    assert "already loaded" in again.stdout
    assert DEMO_PASSWORD in again.stdout


def test_help_and_django_commands_fall_through(tmp_path: Path) -> None:
    usage = subprocess.run([HONGSHU], env=_env(tmp_path), capture_output=True, text=True, check=True).stdout
    for verb in ("run", "serve", "demo", "worker", "createadmin", "manage"):
        assert f"hongshu {verb}" in usage
    for command in (["check"], ["manage", "check"]):
        result = subprocess.run(
            [HONGSHU, *command], env=_env(tmp_path), capture_output=True, text=True, check=True
        )
        assert "System check identified no issues" in result.stdout
