"""`hongshu bench seed` tells each table's progress on stderr (plain lines off a terminal)."""

from __future__ import annotations

import io
import re
import sys
from typing import Any

import pytest
from hongshu_bench.command import bench_command


def test_bench_seed_reports_each_table(
    db: None, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal: plain lines
    bench_command(["seed", "--scale", "0.0001", "--seed", "5", "--progress-every", "3600"])
    lines = sys.stderr.getvalue().splitlines()  # type: ignore[attr-defined]
    assert any(
        re.fullmatch(r"members: 10/10 \(100%\), [\d,.]+ rows/s, done in 0:\d\d", line) for line in lines
    ), lines
    assert any(re.match(r"notes: 100/100 \(100%\)", line) for line in lines), lines
    assert "rows in" in capsys.readouterr().out  # the summary stays on stdout
