"""The benchmark dataset (docs/benchmarks.md, "Dataset"), same as `hongshu bench seed`.

Run: DATABASE_URL=postgres://… .venv/bin/python bench/seed.py --scale 0.01 [--seed 1]
"""

from __future__ import annotations

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
    django.setup()
    from hongshu_bench.command import bench_command

    bench_command(["seed", *sys.argv[1:]])


if __name__ == "__main__":
    main()
