"""The following feed through the API (`GET /api/v1/feeds/following`) for members following ~30, ~300 and
~2,000 accounts, beside the API 404 (the floor: one request through the whole stack) of the same run.

    createdb -h 127.0.0.1 -U postgres hongshu_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hongshu_bench REDIS_URL=redis://127.0.0.1:6379/10 \\
        .venv/bin/hongshu migrate && .venv/bin/hongshu bench seed --scale 0.05
    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/following_feed.py [--seconds 15] [--rounds 1]

The members are taken from the seeded graph (the member whose follow count is nearest each size); where
nobody follows that many, the member nearest is given follows of the most followed accounts until they do
(rows written straight into social_follow, as the seed does). Each round runs wrk (16 connections) on the 404,
then on each member's feed, first page (20 notes); the lists are warm (one read before). The server is
`hongshu serve` with its default workers. Numbers are medians over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from bench_server import serve

ROOT = Path(__file__).resolve().parents[1]
BENCH_PASSWORD = "bench-password"  # noqa: S105 - the seeded members' public password (hongshu_bench)
SIZES = (30, 300, 2000)

LUA = """
local token = os.getenv("BENCH_TOKEN")
request = function()
  local headers = {}
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", os.getenv("BENCH_PATH"), headers)
end
done = function(summary, latency, requests)
  local errors = summary.errors.timeout + summary.errors.connect + summary.errors.read + summary.errors.write
  io.write(string.format(
    'RESULT {"requests": %d, "non2xx": %d, "errors": %d, "seconds": %f, "p50": %f, "p99": %f}\\n',
    summary.requests, summary.errors.status, errors, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
"""


def member_following(database_url: str, size: int) -> tuple[str, int]:
    """A member following about `size` accounts: (handle, follow count), topping up follows if needed."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as db:
        row = db.execute(
            "SELECT u.id, u.handle, COUNT(*) FROM accounts_user u JOIN social_follow f ON f.follower_id = u.id "
            "WHERE f.state = 'accepted' AND u.is_active GROUP BY u.id, u.handle "
            "ORDER BY abs(COUNT(*) - %s), u.id LIMIT 1",
            (size,),
        ).fetchone()
        if row is None:
            sys.exit("no member follows anyone: seed the database first (hongshu bench seed)")
        member_id, handle, count = row
        if count < size * 0.8:
            db.execute(
                "INSERT INTO social_follow (id, follower_id, followee_id, state, created_at, accepted_at) "
                "SELECT (SELECT max(id) FROM social_follow) + row_number() OVER (), %s, t.id, 'accepted', "
                "now(), now() FROM (SELECT u.id FROM accounts_user u WHERE u.is_active AND u.id <> %s "
                "AND NOT EXISTS (SELECT 1 FROM social_follow f WHERE f.follower_id = %s AND f.followee_id = u.id) "
                "ORDER BY u.id LIMIT %s) t",
                (member_id, member_id, member_id, size - count),
            )
            count = db.execute(
                "SELECT COUNT(*) FROM social_follow WHERE follower_id = %s", (member_id,)
            ).fetchone()[0]  # type: ignore[index]
    return str(handle), int(count)


def wrk(base: str, path: str, token: str, *, clients: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch, "feed.lua")
        script.write_text(LUA)
        command = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds:.0f}s", "--timeout", "10s"]
        done = subprocess.run(
            [*command, "-s", str(script), base],
            env={**os.environ, "BENCH_TOKEN": token, "BENCH_PATH": path},
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--port", type=int, default=8139)
    options = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        sys.exit("set DATABASE_URL (a seeded database), and REDIS_URL for the Redis lists")
    members = [member_following(database_url, size) for size in SIZES]
    base = f"http://127.0.0.1:{options.port}"
    server = serve(options.port, log_name="following_feed_server.log")
    try:
        tokens = []
        for handle, _count in members:
            answer = httpx.post(
                f"{base}/api/v1/tokens", json={"handle": handle, "password": BENCH_PASSWORD}, timeout=60
            )
            tokens.append(answer.json()["token"])
        path = "/api/v1/feeds/following"
        for token in tokens:  # builds each list; a second read is warm
            for _ in range(2):
                assert httpx.get(
                    f"{base}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=60
                ).is_success
        wrk(base, "/api/v1/nothing", "", clients=options.clients, seconds=3)  # warm-up
        rows: dict[str, list[dict[str, Any]]] = {}
        for _round in range(options.rounds):
            rows.setdefault("API 404 (floor)", []).append(
                wrk(base, "/api/v1/nothing", "", clients=options.clients, seconds=options.seconds)
            )
            for (_handle, count), token in zip(members, tokens, strict=True):
                rows.setdefault(f"following feed, {count} followees", []).append(
                    wrk(base, path, token, clients=options.clients, seconds=options.seconds)
                )
        floor = statistics.median(r["rps"] for r in rows["API 404 (floor)"])
        print(f"\n{options.rounds} round(s), {options.clients} connections, {options.seconds:.0f} s each:")
        print("| request | req/s | p50 ms | p99 ms | ÷ 404 | non-2xx |")
        print("|---|---|---|---|---|---|")
        for name, results in rows.items():
            rps = statistics.median(r["rps"] for r in results)
            p50 = statistics.median(r["p50"] for r in results)
            p99 = statistics.median(r["p99"] for r in results)
            bad = sum(r["non2xx"] + r["errors"] for r in results)
            print(f"| {name} | {rps:.1f} | {p50:.1f} | {p99:.1f} | {rps / floor:.2f} | {bad} |")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
