"""Feed and search reads from a read replica (`HONGSHU_DATABASE_REPLICA_URL`, the `replica` alias).

The selectors that only read and can bear a replica's lag of a second or two — Explore, topic and nearby
feeds, note, member and topic search — run inside `replica_reads()` (or are decorated `@reads_from_replica`).
There the ORM's reads go to `replica` through `ReplicaRouter`, and raw SQL asks `read_alias()` for its
connection. Everything else, writes above all, stays on `default`. Inside a transaction on `default` the reads
stay there too, so a service never reads around its own uncommitted writes. The following feed is not routed:
it builds the cache it reads (docs/architecture.md). With no replica configured every alias is `default`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reading = ContextVar("hongshu_replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA in connections.settings


def read_alias() -> str:
    """The alias a read should use here: `replica` inside `replica_reads()` when one is configured and no
    transaction is open on `default`, else `default`."""
    if _reading.get() and replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(selector: Callable[P, R]) -> Callable[P, R]:
    """Run a read-only selector inside `replica_reads()`."""

    @functools.wraps(selector)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return selector(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica; writes, migrations and everything else to default."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        alias = read_alias()
        return alias if alias != DEFAULT_DB_ALIAS else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows: objects from either may be related

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # a replica is migrated by replication, not by us
