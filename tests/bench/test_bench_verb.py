"""`hongshu bench` is a dev-only verb: the tooling lives in the repository's bench/ folder, not in the package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hongshu import cli

SRC = Path(cli.__file__).resolve().parent


def test_the_installed_package_holds_no_benchmark_tooling() -> None:
    assert not (SRC / "bench").exists()
    importers = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"^\s*(from|import)\s+hongshu(\.bench|_bench)\b", path.read_text(), re.MULTILINE)
    ]
    assert importers == ["cli.py"]  # only the dev verb, inside the function, after checking bench/ is there


def test_bench_verb_outside_a_checkout_says_it_needs_the_bench_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "BENCH_DIR", tmp_path / "bench")  # as in site-packages: no bench/ beside src/
    with pytest.raises(SystemExit) as exit_:
        cli.bench(["seed", "--scale", "0.0001"])
    assert exit_.value.code == 2
    assert "needs the repository's bench/ folder" in capsys.readouterr().err


def test_bench_verb_from_a_checkout_finds_the_tooling(capsys: pytest.CaptureFixture[str]) -> None:
    assert (cli.BENCH_DIR / "hongshu_bench" / "command.py").is_file()
    with pytest.raises(SystemExit) as exit_:  # argparse's own --help: the bench code was imported and ran
        cli.bench(["--help"])
    assert exit_.value.code == 0
    assert "generate the benchmark dataset" in capsys.readouterr().out
