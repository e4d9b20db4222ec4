"""Ninja names each OpenAPI component after its schema class, and a second class of the same name silently
replaces the first in the document (so responses of the first are then checked against the wrong shape).
Every schema class reachable from the API's modules must have a name of its own."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import hongshu.api


def test_every_api_schema_class_has_its_own_name() -> None:
    for module in pkgutil.walk_packages(hongshu.api.__path__, "hongshu.api."):
        importlib.import_module(module.name)
    seen: dict[str, set[str]] = defaultdict(set)
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("hongshu.api"):
            seen[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: where for name, where in seen.items() if len(where) > 1}
    assert not clashes, clashes
