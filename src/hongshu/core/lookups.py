"""`field__in_ids=[...]`: membership in a list of integer ids, bound as ONE parameter.

`__in` prepares and binds every id on its own (Django's per-value field preparation, one placeholder each):
for the hundred-odd candidate ids a search filters several times per request that cost more CPU than the
database spent answering (docs/benchmarks.md#id-lists-bound-as-one-parameter). Here the list is one array
(PostgreSQL `= ANY(%s)`) or one JSON text (SQLite `IN (SELECT value FROM json_each(%s))`), so building the
query costs the same for 3 ids or 300.
Registered on every field (and foreign key) in `CoreConfig.ready`; meant for integer keys (each id is
passed through `int`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup
from django.db.models.sql.compiler import SQLCompiler


def ids_parameter(ids: list[int], *, vendor: str) -> Any:
    """The one parameter a list of ids is bound as: an array on PostgreSQL, JSON text on SQLite."""
    return ids if vendor == "postgresql" else orjson.dumps(ids).decode()


class InIds(Lookup):  # type: ignore[type-arg]
    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        if isinstance(self.rhs, str | bytes) or not isinstance(self.rhs, Iterable):
            raise TypeError(f"__in_ids takes a list of ids, not {type(self.rhs).__name__}")
        return [int(value) for value in self.rhs]

    def get_db_prep_lookup(self, value: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        return "%s", [ids_parameter(value, vendor=connection.vendor)]

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
        # lhs is a compiled column and rhs a placeholder: no input reaches the SQL text
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", [*lhs_params, *rhs_params]  # noqa: S608
