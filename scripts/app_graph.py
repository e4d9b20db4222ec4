"""The app-level import graph of src/hongshu: which app imports which, two-way pairs, and cycles.

Every `import hongshu.X...` / `from hongshu.X... import` counts, at any depth (imports inside functions hide a
dependency without removing it). An "app" is the first package below hongshu (notes, search, core...);
top-level modules (api.py, cli.py) count as apps of their own name. Usage:

    .venv/bin/python scripts/app_graph.py [--domain]

--domain leaves out the adapters (api, web, cli, config, testing, demo, bench), to see the domain apps alone.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "hongshu"
ADAPTERS = {"api", "web", "cli", "config", "testing", "demo", "bench", "locale"}


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def edges(src: Path) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in src.rglob("*.py"):
        own = path.relative_to(src).parts[0].removesuffix(".py")
        if own == "__init__":  # the package's own __init__ is no app
            continue
        graph.setdefault(own, set())  # an app that imports nothing is still a node
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                if node.module != "hongshu":
                    names = [node.module]
            for name in names:
                if name.startswith("hongshu."):
                    target = app_of(name)
                    if target != own:
                        graph[own].add(target)
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (the graph has a few dozen nodes: recursion depth is no concern)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--domain", action="store_true", help="leave out the adapters")
    parser.add_argument("--src", type=Path, default=SRC)
    args = parser.parse_args(argv)
    graph = edges(args.src)
    if args.domain:
        graph = {a: {b for b in deps if b not in ADAPTERS} for a, deps in graph.items() if a not in ADAPTERS}
    pairs = sorted(
        {tuple(sorted((a, b))) for a, deps in graph.items() for b in deps if a in graph.get(b, ())}
    )
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    print(f"apps: {len(graph)}, edges: {sum(len(d) for d in graph.values())}")
    print(f"two-way pairs: {len(pairs)}")
    for a, b in pairs:
        print(f"  {a} <-> {b}")
    print(f"strongly connected components (more than one app): {len(cycles)}")
    for c in cycles:
        print(f"  {len(c)}: {', '.join(c)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
