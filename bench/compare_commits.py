"""Before/after benchmark of two commits on the same seeded database, in alternating turns.

For each commit, a detached git worktree under `--worktrees` (default <tmp>/hongshu-bench/bench-<sha>) runs its code:
the commit's own `bench/search_bench.py` and its own `hongshu` command, with PYTHONPATH=<worktree>/src and the
interpreter this script runs with (the main checkout's venv; its editable install comes after PYTHONPATH, and
each worktree's `hongshu.__file__` is checked). The checkout this script lives in is never changed. A commit
that moved modules works as long as its `pyproject.toml` names its console entry point and its search bench
keeps the `--seconds --only --workers --port` options.

If one commit descends from the other, the newer one's migrations are applied first (they are expected to be
state-only: the older code keeps running on the same tables); the plan is printed.

Each round runs both commits, in the order A B, B A, A B, ... (so a machine that drifts faster or slower
during the session favours neither), after `--rest` seconds of rest, on a flushed Redis database:
  (a) the commit's `bench/search_bench.py --only relevance`: note read, relevance and Zipf search scenarios;
  (b) the note-read baseline: `hongshu serve`, then wrk on GET /api/v1/notes/{id} (public notes, 200), on the
      same endpoint for ids that do not exist (404 after one query) and on an unknown API path (404 problem
      without a query: the API stack's floor).
It prints every run, then per scenario the median of each commit and the ratio after/before.

Run (DATABASE_URL seeded and indexed, see docs/benchmarks.md; REDIS_URL a database this run may flush):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hongshu_bench1m REDIS_URL=redis://127.0.0.1:6379/4 \\
    .venv/bin/python bench/compare_commits.py <before> <after> --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# wrk picks a random path per request and reports one JSON line (non-2xx answers counted apart).
LUA = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local errors = summary.errors.timeout + summary.errors.connect + summary.errors.read + summary.errors.write
  io.write(string.format(
    'RESULT {"requests": %d, "non2xx": %d, "errors": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.errors.status, errors, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

Run = dict[str, Any]


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def prepare_worktree(sha: str, base: Path, python: str) -> Path:
    """A detached worktree of `sha` with `.venv/bin/python` and `.venv/bin/hongshu` shims running its code."""
    tree = base / f"bench-{sha[:12]}"
    if tree.exists():
        if git("-C", str(tree), "rev-parse", "HEAD") != sha:
            sys.exit(f"{tree} exists at another commit; remove it (git worktree remove) first")
    else:
        base.mkdir(parents=True, exist_ok=True)
        git("worktree", "add", "--detach", str(tree), sha)
    scripts = tomllib.loads((tree / "pyproject.toml").read_text())["project"]["scripts"]
    module, function = scripts["hongshu"].split(":")
    shims = tree / ".venv" / "bin"
    shims.mkdir(parents=True, exist_ok=True)
    prefix = f'#!/bin/sh\nPYTHONPATH="{tree}/src${{PYTHONPATH:+:$PYTHONPATH}}" exec {python}'
    (shims / "python").write_text(f'{prefix} "$@"\n')
    (shims / "hongshu").write_text(
        f"{prefix} -c 'import sys; from {module} import {function}; "
        f'sys.argv[0] = "hongshu"; sys.exit({function}())\' "$@"\n'
    )
    for shim in ("python", "hongshu"):
        (shims / shim).chmod(0o755)
    found = subprocess.run(
        [str(shims / "python"), "-c", "import hongshu; print(hongshu.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    ).stdout.strip()
    if not found.startswith(str(tree / "src")):
        sys.exit(f"{sha[:12]}: hongshu imported from {found}, not from {tree}/src")
    print(f"{sha[:12]}: {tree} (hongshu from {found})", flush=True)
    return tree


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return {**env, **extra}


def migrate(tree: Path) -> None:
    hongshu = str(tree / ".venv/bin/hongshu")
    plan = subprocess.run(
        [hongshu, "migrate", "--plan"], capture_output=True, text=True, check=True, env=clean_env(), cwd=tree
    )
    print(f"migration plan of {tree.name}:\n{plan.stdout.strip()}", flush=True)
    if "No planned migration operations" not in plan.stdout:
        subprocess.run([hongshu, "migrate", "--noinput"], check=True, env=clean_env(), cwd=tree)


def wrk(base: str, paths: list[str], *, clients: int, seconds: float) -> Run:
    with tempfile.TemporaryDirectory() as scratch:
        script, pool = Path(scratch, "paths.lua"), Path(scratch, "paths.txt")
        script.write_text(LUA)
        pool.write_text("\n".join(paths) + "\n")
        command = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds:.0f}s", "--timeout", "10s"]
        done = subprocess.run(
            [*command, "-s", str(script), base],
            env={**os.environ, "BENCH_PATHS": str(pool)},
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result: Run = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def http_status(url: str) -> int:
    import httpx

    try:
        return httpx.get(url, timeout=5).status_code
    except httpx.HTTPError:
        return 0


def sample_paths(database_url: str) -> dict[str, list[str]]:
    """Public published notes spread over the table (answer 200 to anyone), ids next to them that no note
    has (404 after the note query) and unknown API paths (404 before any query). The same for both commits."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        ids = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM notes_note TABLESAMPLE SYSTEM (1) WHERE status = 'published' "
                "AND visibility = 'public' AND deleted_at IS NULL LIMIT 2000"
            )
        ]
        taken = {
            row[0]
            for row in connection.execute(
                "SELECT id FROM notes_note WHERE id = ANY(%s)", ([i + 1 for i in ids],)
            )
        }
    missing = [i + 1 for i in ids if i + 1 not in taken]
    rng = random.Random(21)
    return {
        "note read (200)": [f"/api/v1/notes/{i}" for i in ids],
        "note missing (404)": [f"/api/v1/notes/{i}" for i in missing],
        "unknown API path (404)": [f"/api/v1/bench-nothing-{rng.randrange(10**9)}" for _ in range(2000)],
    }


def speed_probe() -> float:
    """Seconds for a fixed pure-Python loop: how fast the machine is right now (it slows under load)."""
    start = time.perf_counter()
    for _ in range(5_000_000):
        pass
    return time.perf_counter() - start


def flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def search_bench(tree: Path, options: argparse.Namespace) -> dict[str, Run]:
    """The commit's own search bench; its table rows end in requests, errors, req/s, p50, p95, p99."""
    command = [str(tree / ".venv/bin/python"), str(tree / "bench/search_bench.py")]
    command += ["--seconds", str(options.seconds), "--only", "relevance"]
    command += ["--workers", str(options.workers), "--port", str(options.port)]
    done = subprocess.run(command, capture_output=True, text=True, env=clean_env(), cwd=tree, check=False)
    if done.returncode:
        sys.exit(f"search bench of {tree.name} failed:\n{done.stdout}\n{done.stderr}")
    rows: dict[str, Run] = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        try:
            numbers = [float(x) for x in parts[-6:]]
        except ValueError:
            continue
        if len(parts) > 6:
            name = " ".join(parts[:-6])
            keys = ("requests", "errors", "rps", "p50", "p95", "p99")
            rows["search bench: " + name] = dict(zip(keys, numbers, strict=True))
    if not rows:
        sys.exit(f"search bench of {tree.name} printed no rows:\n{done.stdout}")
    return rows


def note_read_baseline(
    tree: Path, paths: dict[str, list[str]], options: argparse.Namespace
) -> dict[str, Run]:
    base = f"http://127.0.0.1:{options.port}"
    command = [str(tree / ".venv/bin/hongshu"), "serve", "--host", "127.0.0.1", "--port", str(options.port)]
    command += ["--workers", str(options.workers)]
    (tree / "var").mkdir(exist_ok=True)
    # wrk sends everything from 127.0.0.1: per-IP rate limits would answer it 429 (older commits ignore this).
    env = clean_env(
        HONGSHU_ENVIRONMENT="development", HONGSHU_DEBUG="false", HONGSHU_RATE_LIMITS_ENABLED="false"
    )
    with open(tree / "var" / "compare_server.log", "wb") as log:
        server = subprocess.Popen(command, env=env, cwd=tree, stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(120):
                if server.poll() is not None:
                    sys.exit(f"the server exited; see {tree}/var/compare_server.log")
                if http_status(base + paths["note read (200)"][0]) == 200:
                    break
                time.sleep(1)
            else:
                sys.exit("the server did not answer within 120 s")
            expected = {"note read (200)": 200, "note missing (404)": 404, "unknown API path (404)": 404}
            for name, status in expected.items():
                if (got := http_status(base + paths[name][0])) != status:
                    sys.exit(f"{tree.name}: {name} answered {got}, not {status}")
            wrk(base, paths["note read (200)"], clients=options.clients, seconds=5)  # warm-up
            return {
                f"baseline: {name}": wrk(base, pool, clients=options.clients, seconds=options.seconds)
                for name, pool in paths.items()
            }
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def one_run(
    label: str, sha: str, tree: Path, paths: dict[str, list[str]], options: argparse.Namespace
) -> Run:
    time.sleep(options.rest)
    flush_redis(options.redis_url)
    run: Run = {
        "label": label,
        "sha": sha,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "load": os.getloadavg(),
        "probe_s": speed_probe(),
    }
    scenarios = search_bench(tree, options)
    time.sleep(options.rest / 2)
    flush_redis(options.redis_url)
    scenarios |= note_read_baseline(tree, paths, options)
    run["scenarios"] = scenarios
    print(
        f"\n{label} {sha[:12]} at {run['started']}, load {run['load'][0]:.2f}, probe {run['probe_s']:.2f} s"
    )
    for name, r in scenarios.items():
        print(
            f"  {name:55} {r['rps']:>8.1f} req/s  p50 {r['p50']:>6.1f}  p95 {r['p95']:>6.1f}  p99 {r['p99']:>6.1f}"
        )
    sys.stdout.flush()
    return run


def summary(runs: list[Run]) -> list[Run]:
    """Per scenario and metric: each commit's median over the rounds, its range, and after/before."""
    rows = []
    names = list(runs[0]["scenarios"])
    for name in names:
        for metric in ("rps", "p95", "p99"):
            values = {
                label: [
                    r["scenarios"][name][metric]
                    for r in runs
                    if r["label"] == label and name in r["scenarios"]
                ]
                for label in ("before", "after")
            }
            if not values["before"] or not values["after"]:
                continue
            before, after = statistics.median(values["before"]), statistics.median(values["after"])
            rows.append(
                {
                    "scenario": name,
                    "metric": metric,
                    "values": values,
                    "before": before,
                    "after": after,
                    "ratio": after / before,
                }
            )
    # Ratios inside each run, which a machine-wide slowdown changes less than absolute numbers.
    pairs = [
        ("search bench: search notes, relevance", "search bench: baseline: GET /api/v1/notes/{id}"),
        ("search bench: search notes, relevance, Zipf mix", "search bench: baseline: GET /api/v1/notes/{id}"),
        ("baseline: note read (200)", "baseline: unknown API path (404)"),
        ("baseline: note read (200)", "baseline: note missing (404)"),
    ]
    for top, bottom in pairs:
        values = {
            label: [
                r["scenarios"][top]["rps"] / r["scenarios"][bottom]["rps"]
                for r in runs
                if r["label"] == label and top in r["scenarios"] and bottom in r["scenarios"]
            ]
            for label in ("before", "after")
        }
        if values["before"] and values["after"]:
            before, after = statistics.median(values["before"]), statistics.median(values["after"])
            rows.append(
                {
                    "scenario": f"{top} / {bottom}",
                    "metric": "rps ratio",
                    "values": values,
                    "before": before,
                    "after": after,
                    "ratio": after / before,
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", help="commit (anything git rev-parse takes)")
    parser.add_argument("after", help="commit; may be the same one, to measure the noise")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20, help="per wrk scenario")
    parser.add_argument("--rest", type=float, default=40, help="seconds of rest before each run")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=min(12, 2 * (os.cpu_count() or 1)))
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--worktrees", type=Path, default=Path(tempfile.gettempdir()) / "hongshu-bench")
    parser.add_argument("--out", type=Path, help="write every run and the summary as JSON here")
    options = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    options.redis_url = os.environ.get("REDIS_URL")
    if not database_url or not options.redis_url:
        sys.exit("set DATABASE_URL (seeded, indexed) and REDIS_URL (a database this run may flush)")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    shas = {
        "before": git("rev-parse", f"{options.before}^{{commit}}"),
        "after": git("rev-parse", f"{options.after}^{{commit}}"),
    }
    trees = {sha: prepare_worktree(sha, options.worktrees, sys.executable) for sha in set(shas.values())}
    if shas["before"] != shas["after"]:
        older, newer = shas["before"], shas["after"]
        ancestor = subprocess.run(
            ["git", "-C", str(ROOT), "merge-base", "--is-ancestor", newer, older], check=False
        )
        if ancestor.returncode == 0:
            older, newer = newer, older
        migrate(trees[newer])
    paths = sample_paths(database_url)
    print(
        f"{len(paths['note read (200)'])} note ids, {len(paths['note missing (404)'])} missing ids",
        flush=True,
    )

    schedule = [
        label
        for round_number in range(options.rounds)
        for label in (("before", "after") if round_number % 2 == 0 else ("after", "before"))
    ]
    runs = [one_run(label, shas[label], trees[shas[label]], paths, options) for label in schedule]

    rows = summary(runs)
    print(
        f"\nbefore {shas['before'][:12]}, after {shas['after'][:12]}: medians of {options.rounds} runs each"
    )
    print(f"{'scenario':80} {'metric':>9} {'before':>8} {'after':>8} {'after/before':>12}")
    for row in rows:
        print(
            f"{row['scenario']:80} {row['metric']:>9} {row['before']:>8.2f} {row['after']:>8.2f} {row['ratio']:>12.3f}"
        )
    loads = [r["load"][0] for r in runs]
    print(f"1-minute load at the start of each run: {min(loads):.2f}-{max(loads):.2f}")
    if options.out:
        options.out.write_text(
            json.dumps(
                {
                    "shas": shas,
                    "options": vars(options) | {"worktrees": str(options.worktrees), "out": str(options.out)},
                    "runs": runs,
                    "summary": rows,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
