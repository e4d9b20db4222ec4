"""The layers contract of pyproject.toml places every package of the project, so a new app cannot slip
past `lint-imports` by being in no layer (import-linter only checks the modules a contract names)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "hongshu"
NOT_CODE = {"locale", "templates", "static", "__pycache__"}


def _layers() -> list[set[str]]:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    return [{name.strip().removeprefix("hongshu.") for name in re.split(r"[|:]", layer)} for layer in layers]


def _top_level() -> set[str]:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name not in NOT_CODE}
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return packages | modules


def test_every_package_has_a_layer() -> None:
    placed = set().union(*_layers())
    assert _top_level() - placed == set(), "add the new package to the layers contract in pyproject.toml"
    assert placed - _top_level() == set(), "the layers contract names a package that does not exist"


def test_the_text_library_and_core_are_at_the_bottom() -> None:
    assert [set(layer) for layer in _layers()[-2:]] == [{"core"}, {"textlib"}]
