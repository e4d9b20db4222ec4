"""In-process cost of one rate-limit check (`core.ratelimit.rate_limit_hit`), the work every limited request
adds: the `search` limit's per-IP scope (one moving-window check and count), 2,000 calls from 200 addresses.

The search bench (`bench/search_bench.py`) runs with limits off, since all its clients share 127.0.0.1, so
this is the figure to add to its numbers. Run from the repository root with the Redis the instance uses
(production) or without REDIS_URL (process memory, the embedded default):
`REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/ratelimit_cost.py`. The database is not touched.
Prints µs per call, best and median of 5 runs. Counters land under the `hongshu-limits` prefix and expire
with their windows.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
os.environ["HONGSHU_RATE_LIMITS_ENABLED"] = "true"

import django

django.setup()

from django.conf import settings  # noqa: E402

from hongshu.core.ratelimit import rate_limit_hit  # noqa: E402

CALLS = 2000


def main() -> None:
    storage = "Redis" if settings.HONGSHU.redis_url else "process memory"
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for i in range(CALLS):
            rate_limit_hit("search", ip=f"10.0.{i % 200}.{i % 50}")
        runs.append((time.perf_counter() - start) / CALLS * 1e6)
    print(
        f"rate_limit_hit('search', ip=…), {storage}: best {min(runs):.0f} µs, median {statistics.median(runs):.0f} µs"
    )


if __name__ == "__main__":
    main()
