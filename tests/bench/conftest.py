"""The benchmark tooling lives in the repository's bench/ folder (not the installed package): import it from there,
as `hongshu bench` does from a checkout."""

from __future__ import annotations

import sys

from hongshu.cli import BENCH_DIR

if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
