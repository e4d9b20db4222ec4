"""Cost of screening's link rules and spam-burst fingerprints per text (issue 24, items 4 and 5).

Pure parts, no database: `extract_links` and `judge_links` on a mixed Chinese/English note with and without
links, and `burst_signature` (MinHash + LSH bands) on short and long notes. Then `burst_record_and_check` (the
insert of a text's bands and the look-up of texts sharing one) on a throwaway test database made by Django's
test machinery for the configured engine: SQLite in memory by default, or
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME` (a `test_NAME` database is created and dropped).
Run from the repository root: `.venv/bin/python bench/screening_links_bursts.py`. Prints µs per call (best and
median of 5 runs).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from hongshu.screening import bursts, links  # noqa: E402

PLAIN = (
    "今天去了一家很好吃的火锅店，环境很好，服务也很热情，推荐大家去试试！Great hotpot place near the station, "
    "the broth is rich and the lamb is fresh. 4.5 stars, e.g. go early."
)
WITH_LINKS = PLAIN + " Menu: https://www.example.com/menu, deals at shop.example[.]cn and bit.ly/x1"
LONG = PLAIN * 8
VOCABULARY = (
    PLAIN + " 春天 夏天 秋天 冬天 咖啡 面包 徒步 旅行 city walk brunch coffee hiking ramen sunset"
).split()
RULES = {
    "example.cn": links.DomainVerdict(verdict="deny", rule_code="spam", action="hold", shadow=False),
    "example.com": links.DomainVerdict(verdict="allow", rule_code=None, action="hold", shadow=False),
}


def measure(name: str, call: Callable[[int], object], calls: int) -> None:
    call(0)
    runs = []
    for run in range(5):
        start = time.perf_counter()
        for i in range(calls):
            call(run * calls + i)
        runs.append((time.perf_counter() - start) / calls * 1e6)
    best = min(runs)
    print(
        f"{name}: best {best:.1f} µs, median {statistics.median(runs):.1f} µs ({1e6 / best:,.0f} per second)"
    )


def main() -> None:
    links.warm()
    bursts.warm()
    found = links.extract_links(WITH_LINKS)
    measure("extract_links, no link", lambda i: links.extract_links(PLAIN), 5000)
    measure("extract_links, 3 links", lambda i: links.extract_links(WITH_LINKS), 5000)
    measure("judge_links, 3 links", lambda i: links.judge_links(found, rules=RULES, unknown_cap=1), 20000)
    measure("burst_signature, 130 characters", lambda i: bursts.burst_signature(f"{PLAIN} {i}"), 2000)
    measure("burst_signature, 1,000 characters", lambda i: bursts.burst_signature(f"{LONG} {i}"), 1000)

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0)
    try:
        start = timezone.now()

        def record(i: int) -> object:
            # 50 accounts posting near-duplicates, a new text every second of the window
            return bursts.burst_record_and_check(
                author_id=i % 50,
                subject=f"note:{i}",
                text=f"{PLAIN} {i % 7}",
                now=start + timedelta(seconds=i),
            )

        measure(f"burst_record_and_check, {connection.vendor}, near-duplicates", record, 200)

        def record_new(i: int) -> object:
            words = random.Random(i).choices(VOCABULARY, k=30)  # unrelated texts: nothing in common
            return bursts.burst_record_and_check(
                author_id=i, subject=f"fresh:{i}", text=" ".join(words), now=start
            )

        measure(f"burst_record_and_check, {connection.vendor}, no match", record_new, 200)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
