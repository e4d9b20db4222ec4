"""Per-query cost of the text pipeline's query side (`pipeline.query_terms`, dictionary expansions included).

Run from the repository root: `.venv/bin/python bench/query_terms_cost.py`. Times the relevance set's queries
(tests/search/relevance_corpus.py), warm, 20 passes × 7 runs; prints the median and best per query, and the
same with the per-word name caches cleared on every pass (the cost of words not seen before).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

sys.path.insert(0, "tests/search")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")

import django

django.setup()

from relevance_corpus import NAME_QUERIES, QUERIES  # noqa: E402

from hongshu.search import pipeline  # noqa: E402
from hongshu.textlib import aliases, cedict, chinese  # noqa: E402


def _per_query(queries: list[str], before_pass: Callable[[], None] = lambda: None) -> tuple[float, float]:
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(20):
            before_pass()
            for query in queries:
                pipeline.query_terms(query)
        runs.append((time.perf_counter() - start) / (20 * len(queries)) * 1e6)
    return statistics.median(runs), min(runs)


def _clear_name_caches() -> None:
    pipeline._names_english.cache_clear()
    pipeline._names_chinese.cache_clear()


def main() -> None:
    start = time.perf_counter()
    chinese.warm()
    cedict.warm()
    aliases.warm()
    print(f"dictionaries loaded in {time.perf_counter() - start:.2f} s")
    queries = [query for category in (QUERIES | NAME_QUERIES).values() for query, _ in category]
    for query in queries:
        pipeline.query_terms(query)
    median, best = _per_query(queries)
    print(f"{len(queries)} queries: median {median:.1f} µs, best {best:.1f} µs per query")
    median, best = _per_query(queries, _clear_name_caches)
    print(f"name caches cleared each pass: median {median:.1f} µs, best {best:.1f} µs per query")


if __name__ == "__main__":
    main()
