"""`hongshu bench seed --scale S [--seed N]` (also `bench/seed.py`): argument parsing and the report line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from hongshu.core.progress import progress_to
from hongshu_bench.services import bench_seed


def bench_command(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="hongshu bench", description="Benchmark tooling.")
    verbs = parser.add_subparsers(dest="verb", required=True)
    seed = verbs.add_parser(
        "seed", help="generate the benchmark dataset in the database (docs/benchmarks.md)"
    )
    seed.add_argument("--scale", type=float, required=True, help="1.0 = 100,000 members, 1,000,000 notes, …")
    seed.add_argument("--seed", type=int, default=1, help="random seed; members are @b<seed>_NNNNNN")
    seed.add_argument(
        "--progress-every", type=float, default=10.0, help="seconds between progress lines off a terminal"
    )
    options = parser.parse_args(argv)
    # Each table's rows as they are written: a bar on a terminal, plain lines (on stderr) in a log.
    progress = progress_to(sys.stderr, interval=options.progress_every)
    result = bench_seed(scale=options.scale, seed=options.seed, progress=progress)
    for table, count in result.counts.items():
        seconds = result.table_seconds.get(table, 0.0)
        print(f"{table:>14}: {count:>12,} rows {seconds:7.2f} s")
    print(
        f"{result.rows:,} rows in {result.seconds:.1f} s ({result.rows_per_second:,.0f} rows/s); "
        f"members sign in with the password {result.password!r}"
    )
