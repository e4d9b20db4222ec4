"""A hot read's queryset built and compiled to SQL once per process, then run with each request's values.

Building a queryset through the ORM and compiling it costs about a millisecond of CPU for search's policy
query (`Note.objects.listed_for` + counters), as much as the database spends answering it, and it is the
same SQL every time but for the ids and the viewer. `CompiledValues` builds it once with marker values,
finds the markers among the compiled parameters, and from then on binds the real values in their place
and runs the SQL directly, with the compiler's own converters applied to the rows. The SQL is the ORM's
own, so the rules (the visibility policy) still live in one place; a test checks the rows against the ORM.

Only values that reach the SQL as parameters can vary. The SQL is compiled again for each SHAPE of the
arguments (None or an anonymous viewer, a model instance, an integer), so an anonymous and a member viewer
get their own; anything else the queryset depends on must not change while the process runs. Markers are
integers no real row has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from hongshu.core.lookups import ids_parameter

# Far below any id this project issues (ids are positive, time-ordered).
_MARKER_BASE = -(2**62)
MARKER_IDS = [_MARKER_BASE - 1, _MARKER_BASE - 2]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: list[tuple[str, Any]]  # ("const", value) | ("ids", None) | ("arg", (name, int class))
    compiler: SQLCompiler


def _kind(value: Any) -> str:
    """What the compiled SQL's shape depends on for an argument: None and anonymous viewers change the
    shape (they have nothing to rebind); a model instance or an integer is one rebound parameter."""
    if value is None or getattr(value, "is_authenticated", True) is False:
        return f"none:{value.__class__.__name__}"
    if isinstance(value, Model):
        return f"model:{value.__class__.__name__}"
    if type(value) is int:
        return "int"
    raise TypeError(f"CompiledValues takes ids, integers and model instances, not {type(value).__name__}")


def _stand_in(value: Any, marker: int) -> tuple[Any, int | None]:
    """(what `build` is given, the marker to find among the compiled parameters) for an argument: None and
    anonymous viewers as they are; a model instance an unsaved one of its class with a marker pk; an
    integer a marker integer. `__class__`, not `type()`: Django hands views `request.user` as a lazy proxy,
    which reports the class of the member behind it while its own type cannot be built with a pk."""
    kind = _kind(value)
    if kind.startswith("none:"):
        return value, None
    if kind == "int":
        return marker, marker
    return value.__class__(pk=marker), marker


def _bound(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value


class CompiledValues:
    """`build(ids, **args)` → a `values_list` queryset, compiled once per shape and database, and run by
    `rows(ids=..., **args)`. `build` must use `ids` only as `field__in_ids=ids`, an integer argument only
    as a bound value and a model instance only through its `pk` (and `is_authenticated`)."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}
        self._lock = Lock()

    def _compile(self, using: str, args: dict[str, Any]) -> _Compiled:
        stand_ins: dict[str, Any] = {}
        markers: dict[int, str] = {}
        for n, (name, value) in enumerate(sorted(args.items()), start=1):
            stand_ins[name], marker = _stand_in(value, _MARKER_BASE - 100 - n)
            if marker is not None:
                markers[marker] = name
        queryset = self._build(MARKER_IDS, **stand_ins)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        ids_param = ids_parameter(MARKER_IDS, vendor=connections[using].vendor)
        slots: list[tuple[str, Any]] = []
        for param in params:
            if param == ids_param:
                slots.append(("ids", None))
            elif isinstance(param, int) and not isinstance(param, bool) and param in markers:
                # Kept in the class the backend wrapped it in (PostgreSQL's server-side binding: Int8).
                slots.append(("arg", (markers[param], type(param))))
            else:
                slots.append(("const", param))
        if str(_MARKER_BASE)[:-4] in sql:  # a marker inlined into the SQL text could not be rebound
            raise ValueError("a marker value reached the SQL text instead of its parameters")
        return _Compiled(sql, slots, compiler)

    def rows(self, *, ids: Sequence[int], using: str = "default", **args: Any) -> list[tuple[Any, ...]]:
        key = (using, *((name, _kind(value)) for name, value in sorted(args.items())))
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(using, args)
                self._compiled[key] = compiled
        connection = connections[using]
        ids_param = ids_parameter([int(i) for i in ids], vendor=connection.vendor)
        bound = [
            ids_param if kind == "ids" else arg[1](_bound(args[arg[0]])) if kind == "arg" else arg
            for kind, arg in compiled.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, bound)
            fetched = cursor.fetchall()
        compiler = compiled.compiler
        if compiler.has_extra_select:
            fetched = [row[: compiler.col_count] for row in fetched]
        return [tuple(row) for row in compiler.results_iter(results=[fetched])]
