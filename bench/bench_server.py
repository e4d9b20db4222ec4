"""Start `hongshu serve` for a benchmark script and wait until it answers (shared by the bench scripts)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def serve(port: int, *, threads: int = 1, log_name: str = "bench_server.log") -> subprocess.Popen[bytes]:
    """`hongshu serve` on 127.0.0.1:`port` (gthread when `threads` > 1) with rate limits off, as every
    benchmark client is 127.0.0.1; exits the script if the server does not answer within 120 s."""
    command = [str(ROOT / ".venv/bin/hongshu"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if threads > 1:
        command += ["--threads", str(threads)]
    env = {**os.environ, "HONGSHU_RATE_LIMITS_ENABLED": "false", "HONGSHU_ALLOWED_HOSTS": '["127.0.0.1"]'}
    log = open(Path(tempfile.gettempdir()) / log_name, "wb")  # noqa: SIM115 - lives with the server
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited; see {log.name}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/nothing", timeout=2).status_code == 404:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    sys.exit("the server did not answer within 120 s")
