"""The door under load: sign-in and sign-up throughput with the bounded Argon2 hasher while the following feed is
being read, and the feed's p99 beside its unloaded value in the same run (issue 22).

Each round, on a seeded database (`hongshu bench seed`):
  1. feed alone: wrk on the following page of a member who follows ~30 accounts (bearer token), `--seconds`;
  2. feed + door: the same wrk while `--door-clients` Python threads sign in (POST /api/v1/tokens, the real
     Argon2 verification) and sign up (POST /api/v1/accounts, a new handle each time), half each, as fast as
     the server answers. Reports sign-ins and sign-ups per second with their p50/p99, how many were refused
     with 503 `busy` (no hashing slot freed in time), and the feed's req/s and p99 beside phase 1.
The server is `hongshu serve` with the worker model given by `--threads` (1: gunicorn sync workers, the
default; more: gthread, where the per-process bound of `password_hash_concurrency` applies). Rate limits are
off (every request comes from 127.0.0.1); the hashing bound stays on.

Run (PostgreSQL database this run may write members into, Redis database it may flush):
  createdb -h 127.0.0.1 -U postgres hongshu_door
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hongshu_door hongshu migrate && hongshu bench seed --scale 0.05
  DATABASE_URL=... REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/door_load.py --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from bench_server import serve

ROOT = Path(__file__).resolve().parents[1]
BENCH_PASSWORD = "bench-password"  # noqa: S105 - the seeded members' public password (hongshu_bench)

LUA = """
local token = os.getenv("BENCH_TOKEN")
request = function()
  return wrk.format("GET", os.getenv("BENCH_PATH"), {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  local errors = summary.errors.timeout + summary.errors.connect + summary.errors.read + summary.errors.write
  io.write(string.format(
    'RESULT {"requests": %d, "non2xx": %d, "errors": %d, "seconds": %f, "p50": %f, "p99": %f}\\n',
    summary.requests, summary.errors.status, errors, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
"""


def feed_member(database_url: str) -> str:
    """The handle of a member following about 30 accounts (the typical member of the seeded graph)."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT u.handle FROM accounts_user u JOIN social_follow f ON f.follower_id = u.id "
            "WHERE f.accepted_at IS NOT NULL GROUP BY u.handle HAVING COUNT(*) BETWEEN 25 AND 35 LIMIT 1"
        ).fetchone()
    if row is None:
        sys.exit("no member follows 25-35 accounts: seed the database first (hongshu bench seed)")
    return str(row[0])


def wrk(base: str, token: str, *, clients: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch, "feed.lua")
        script.write_text(LUA)
        command = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds:.0f}s", "--timeout", "10s"]
        done = subprocess.run(
            [*command, "-s", str(script), base],
            env={**os.environ, "BENCH_TOKEN": token, "BENCH_PATH": "/following/"},
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


class Door:
    """Threads signing in and up until stopped; latencies per kind, refusals counted by status."""

    def __init__(self, base: str, handle: str, clients: int) -> None:
        self.base, self.handle, self.clients = base, handle, clients
        self.stop = threading.Event()
        self.latencies: dict[str, list[float]] = {"sign-in": [], "sign-up": []}
        self.statuses: dict[str, dict[int, int]] = {"sign-in": {}, "sign-up": {}}
        self.lock = threading.Lock()
        self.started = 0.0
        self.stopped = 0.0

    def _one(self, client: httpx.Client, kind: str) -> None:
        if kind == "sign-in":
            request = ("/api/v1/tokens", {"handle": self.handle, "password": BENCH_PASSWORD})
        else:
            handle = "door_" + secrets.token_hex(6)
            request = ("/api/v1/accounts", {"handle": handle, "password": "a long door password 42"})
        start = time.perf_counter()
        status = client.post(request[0], json=request[1]).status_code
        elapsed = time.perf_counter() - start
        with self.lock:
            self.statuses[kind][status] = self.statuses[kind].get(status, 0) + 1
            if status in (200, 201):
                self.latencies[kind].append(elapsed)

    def _loop(self, kind: str) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self.stop.is_set():
                self._one(client, kind)

    def __enter__(self) -> Door:
        self.started = time.perf_counter()
        kinds = ["sign-in", "sign-up"] * self.clients
        self.threads = [threading.Thread(target=self._loop, args=(kind,)) for kind in kinds[: self.clients]]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        self.stopped = time.perf_counter()

    def summary(self) -> dict[str, Any]:
        seconds = self.stopped - self.started
        out: dict[str, Any] = {}
        for kind, latencies in self.latencies.items():
            ordered = sorted(latencies) or [float("nan")]
            out[kind] = {
                "per_s": len(latencies) / seconds,
                "p50_ms": 1000 * ordered[len(ordered) // 2],
                "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
                "statuses": self.statuses[kind],
            }
        return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--feed-clients", type=int, default=4)
    parser.add_argument("--door-clients", type=int, default=8)
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)"
    )
    parser.add_argument("--port", type=int, default=8137)
    options = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    if not database_url or not os.environ.get("REDIS_URL"):
        sys.exit("set DATABASE_URL (a seeded database) and REDIS_URL")
    handle = feed_member(database_url)
    base = f"http://127.0.0.1:{options.port}"
    server = serve(options.port, threads=options.threads, log_name="door_load_server.log")
    try:
        token = httpx.post(
            f"{base}/api/v1/tokens", json={"handle": handle, "password": BENCH_PASSWORD}, timeout=30
        ).json()["token"]
        wrk(base, token, clients=options.feed_clients, seconds=5)  # warm-up
        rows = []
        for round_number in range(1, options.rounds + 1):
            alone = wrk(base, token, clients=options.feed_clients, seconds=options.seconds)
            with Door(base, handle, options.door_clients) as door:
                loaded = wrk(base, token, clients=options.feed_clients, seconds=options.seconds)
            row = {"round": round_number, "feed_alone": alone, "feed_loaded": loaded, "door": door.summary()}
            rows.append(row)
            print(json.dumps(row), flush=True)
        print_summary(rows, options)
    finally:
        server.terminate()
        server.wait(timeout=30)


def print_summary(rows: list[dict[str, Any]], options: argparse.Namespace) -> None:
    def median(values: list[float]) -> float:
        return statistics.median(values)

    workers = "sync workers" if options.threads == 1 else f"gthread, {options.threads} threads"
    print(
        f"\nmedians of {len(rows)} rounds ({workers}; feed {options.feed_clients} connections, "
        f"door {options.door_clients} clients):"
    )
    print("| measure | feed alone | feed + sign-ins/ups |")
    print("|---|---|---|")
    for name, key in (("feed req/s", "rps"), ("feed p50 (ms)", "p50"), ("feed p99 (ms)", "p99")):
        alone = median([row["feed_alone"][key] for row in rows])
        loaded = median([row["feed_loaded"][key] for row in rows])
        print(f"| {name} | {alone:.1f} | {loaded:.1f} |")
    for kind in ("sign-in", "sign-up"):
        per_s = median([row["door"][kind]["per_s"] for row in rows])
        p99 = median([row["door"][kind]["p99_ms"] for row in rows])
        busy = sum(row["door"][kind]["statuses"].get(503, 0) for row in rows)
        print(f"| {kind}s/s (p99 ms, 503 busy) | — | {per_s:.1f} ({p99:.0f}, {busy}) |")


if __name__ == "__main__":
    main()
