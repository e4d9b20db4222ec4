"""T4: search latency at 16 concurrent clients over HTTP, with a primary-key read as the baseline in the same run.

Serves the app with gunicorn (`hongshu serve`) on the given database, then drives each scenario with wrk
(Debian's `wrk`: C, so the load generator takes little of the two cores) at `--clients` connections for
`--seconds`, and prints requests/s, errors and p50/p95/p99 latency. Each request takes a random path from a
pool: queries mix Simplified, Traditional and English words and two-word queries drawn from the dataset's
vocabulary (bench/hongshu_bench/vocab.py), so they hit common and rarer terms; every search is a first page (recorded
in the hot ranking, as a real search is).

Run (on a seeded and indexed database, see docs/benchmarks.md); the server inherits the environment, so
REDIS_URL makes its cache the shared Redis one, as in production:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hongshu_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
    .venv/bin/python bench/search_bench.py --seconds 30
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx
from hongshu_bench import vocab

ROOT = Path(__file__).resolve().parents[1]
POOL = 2000  # paths per scenario

# wrk picks a random path per request and reports the numbers as one JSON line.
LUA = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.timeout + summary.errors.connect
    + summary.errors.read + summary.errors.write
  io.write(string.format(
    'RESULT {"requests": %d, "errors": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, errors, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def queries(rng: random.Random, count: int) -> list[str]:
    singles = [*vocab.ZH_TITLE_WORDS, *vocab.ZH_HANT_TITLE_WORDS, *vocab.EN_TITLE_WORDS]
    out = []
    for _ in range(count):
        two = f"{rng.choice(singles)} {rng.choice(singles)}"
        out.append(rng.choice(singles) if rng.random() < 0.6 else two)
    return out


def popular_queries(rng: random.Random, count: int) -> list[str]:
    """`count` searches drawn from the same vocabulary with Zipf popularity (exponent 1.1): a few queries
    are searched very often and most rarely, as search logs are (the hot ranking exists for this)."""
    distinct = list(dict.fromkeys(queries(rng, POOL)))
    weights = [1 / (rank**1.1) for rank in range(1, len(distinct) + 1)]
    return rng.choices(distinct, weights=weights, k=count)


def wrk(base: str, paths: list[str], *, clients: int, seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        script, pool = Path(scratch, "paths.lua"), Path(scratch, "paths.txt")
        script.write_text(LUA)
        pool.write_text("\n".join(paths) + "\n")
        done = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(clients),
                "-d",
                f"{seconds:.0f}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base,
            ],
            env={**os.environ, "BENCH_PATHS": str(pool)},
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def sample_note_ids(database_url: str) -> list[str]:
    """Ids of public published notes spread over the table (ids are time-ordered, not dense): every one of
    them answers 200 to an anonymous reader."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT id FROM notes_note TABLESAMPLE SYSTEM (1) "
            "WHERE status = 'published' AND visibility = 'public' AND deleted_at IS NULL LIMIT 5000"
        ).fetchall()
    return [str(row[0]) for row in rows]


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("the server exited; see var/search_bench_server.log")
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
    parser.add_argument(
        "--workers", type=int, default=min(12, 2 * (os.cpu_count() or 1))
    )  # as `hongshu serve`
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to the seeded, indexed benchmark database")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    base = f"http://127.0.0.1:{options.port}"
    # Every request comes from 127.0.0.1: the per-IP search limit would answer most of them 429.
    env = {
        **os.environ,
        "HONGSHU_ENVIRONMENT": "development",
        "HONGSHU_DEBUG": "false",
        "HONGSHU_RATE_LIMITS_ENABLED": "false",
    }
    command = [
        str(ROOT / ".venv/bin/hongshu"), "serve", "--host", "127.0.0.1", "--port", str(options.port),
        "--workers", str(options.workers), "--threads", str(options.threads),
    ]  # fmt: skip
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "search_bench_server.log", "wb")  # noqa: SIM115 (closed with the server)
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(base, server)
        rng = random.Random(7)
        ids = sample_note_ids(os.environ["DATABASE_URL"])
        words = queries(rng, POOL)
        popular = popular_queries(rng, POOL)
        names = ["li", "wang", "zh", "chen", "xiao", "amy", "jo", "huoguo", "小红"]
        scenarios: dict[str, Callable[[], str]] = {
            "baseline: GET /api/v1/notes/{id}": lambda: f"/api/v1/notes/{rng.choice(ids)}",
            "search notes, relevance": lambda: "/api/v1/search/notes?" + urlencode({"q": rng.choice(words)}),
            "search notes, relevance, Zipf mix": lambda: (
                "/api/v1/search/notes?" + urlencode({"q": rng.choice(popular)})
            ),
            "search notes, latest": lambda: (
                "/api/v1/search/notes?" + urlencode({"q": rng.choice(words), "sort": "latest"})
            ),
            "search notes, most liked": lambda: (
                "/api/v1/search/notes?" + urlencode({"q": rng.choice(words), "sort": "likes"})
            ),
            "search members (name/pinyin prefix)": lambda: (
                "/api/v1/search/members?" + urlencode({"q": rng.choice(names)})
            ),
        }
        chosen = {
            k: v for k, v in scenarios.items() if not options.only or options.only in k or "baseline" in k
        }
        warm = [scenarios["search notes, relevance"]() for _ in range(200)]
        wrk(base, warm, clients=options.clients, seconds=5)
        print(
            f"{options.clients} clients (wrk), {options.seconds:.0f} s each, gunicorn {options.workers}×{options.threads}"
        )
        print(
            f"{'scenario':38} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        )
        for name, path_for in chosen.items():
            r = wrk(base, [path_for() for _ in range(POOL)], clients=options.clients, seconds=options.seconds)
            print(
                f"{name:38} {r['requests']:>8.0f} {r['errors']:>6.0f} {r['rps']:>7.1f} "
                f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
