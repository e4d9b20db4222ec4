"""T4: search latency at 16 concurrent clients over HTTP, with a primary-key read as the baseline in the same run.

Serves the app with gunicorn (`hongshu serve`) on the given database, then for each scenario runs `--clients`
threads, each with its own keep-alive connection, for `--seconds`, and prints requests/s and p50/p95/p99.
Queries mix Simplified, Traditional and English words and two-word queries drawn from the dataset's
vocabulary (bench/vocab.py), so they hit common and rarer terms; every search is a first page (recorded in the
hot ranking, as a real search is).

Run (on a seeded and indexed database, see docs/benchmarks.md):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hongshu_bench REDIS_URL=redis://127.0.0.1:6379/3 \
    .venv/bin/python bench/search_bench.py --seconds 30
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from hongshu.bench import vocab

ROOT = Path(__file__).resolve().parents[1]


def queries(rng: random.Random, count: int) -> list[str]:
    singles = [*vocab.ZH_TITLE_WORDS, *vocab.ZH_HANT_TITLE_WORDS, *vocab.EN_TITLE_WORDS]
    out = []
    for _ in range(count):
        out.append(
            rng.choice(singles) if rng.random() < 0.6 else f"{rng.choice(singles)} {rng.choice(singles)}"
        )
    return out


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def load(
    base: str, *, clients: int, seconds: float, path_for: Callable[[random.Random], str]
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        mine: list[float] = []
        failed = 0
        with httpx.Client(base_url=base, timeout=30) as http:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    ok = http.get(path_for(rng)).status_code == 200
                except httpx.TimeoutException:  # counted as an error at the timeout's latency
                    ok = False
                mine.append(time.perf_counter() - start)
                failed += not ok
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
    }


def sample_note_ids(database_url: str) -> list[str]:
    """Ids of published notes spread over the table (ids are time-ordered, not dense)."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT id FROM notes_note TABLESAMPLE SYSTEM (1) WHERE status = 'published' LIMIT 5000"
        ).fetchall()
    return [str(row[0]) for row in rows]


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("the server exited; see its output above")
        try:
            if httpx.get(base + "/api/v1/search/notes?q=warmup", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    sys.exit("the server did not answer within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to the seeded, indexed benchmark database")

    base = f"http://127.0.0.1:{options.port}"
    env = {**os.environ, "HONGSHU_ENVIRONMENT": "development", "HONGSHU_DEBUG": "false"}
    command = [
        str(ROOT / ".venv/bin/hongshu"), "serve", "--host", "127.0.0.1", "--port", str(options.port),
        "--workers", str(options.workers), "--threads", str(options.threads),
    ]  # fmt: skip
    log = open(ROOT / "var" / "search_bench_server.log", "wb")  # noqa: SIM115 (closed with the server)
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(base, server)
        rng = random.Random(7)
        ids = sample_note_ids(os.environ["DATABASE_URL"])
        pool = queries(rng, 2000)
        scenarios: dict[str, Callable[[random.Random], str]] = {
            "baseline: GET /api/v1/notes/{id}": lambda r: f"/api/v1/notes/{r.choice(ids)}",
            "search notes, relevance": lambda r: (
                "/api/v1/search/notes?" + str(httpx.QueryParams(q=r.choice(pool)))
            ),
            "search notes, latest": lambda r: (
                "/api/v1/search/notes?sort=latest&" + str(httpx.QueryParams(q=r.choice(pool)))
            ),
            "search members (pinyin prefix)": lambda r: (
                "/api/v1/search/members?"
                + str(httpx.QueryParams(q=r.choice(["li", "wang", "zh", "chen", "xiao", "amy", "jo"])))
            ),
        }
        load(base, clients=options.clients, seconds=5, path_for=scenarios["search notes, relevance"])  # warm
        print(
            f"{options.clients} clients, {options.seconds:.0f} s each, gunicorn {options.workers}×{options.threads}"
        )
        print(
            f"{'scenario':36} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        )
        for name, path_for in scenarios.items():
            r = load(base, clients=options.clients, seconds=options.seconds, path_for=path_for)
            print(
                f"{name:36} {r['requests']:>8.0f} {r['errors']:>6.0f} {r['rps']:>7.1f} "
                f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
