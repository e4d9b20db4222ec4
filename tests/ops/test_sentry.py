"""Error tracking starts only when a DSN is set, and then sends events there (a stand-in Sentry server)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = (
    "import django, sentry_sdk; django.setup(); "
    "print('initialised' if sentry_sdk.is_initialized() else 'off'); "
    "sentry_sdk.capture_message('hongshu sentry probe'); sentry_sdk.flush(timeout=10)"
)


@pytest.fixture
def sentry_server() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            received.append(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://publickey@127.0.0.1:{server.server_address[1]}/1", received
    server.shutdown()


def run(tmp_path: Path, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HONGSHU_")}
    base |= {"DATABASE_URL": "", "REDIS_URL": "", "HONGSHU_VAR_DIR": str(tmp_path / "var")}
    base |= {"DJANGO_SETTINGS_MODULE": "hongshu.config.settings", **env}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], check=False, env=base, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_without_a_dsn_nothing_starts(tmp_path: Path, sentry_server: tuple[str, list[bytes]]) -> None:
    assert run(tmp_path) == "off"
    assert sentry_server[1] == []


def test_with_a_dsn_events_go_there(tmp_path: Path, sentry_server: tuple[str, list[bytes]]) -> None:
    dsn, received = sentry_server
    assert run(tmp_path, HONGSHU_SENTRY_DSN=dsn, HONGSHU_ENVIRONMENT="test") == "initialised"
    assert any(b"hongshu sentry probe" in body for body in received)
    assert any(b'"environment":"test"' in body.replace(b": ", b":") for body in received)
