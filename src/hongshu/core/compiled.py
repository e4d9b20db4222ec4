"""A hot read's queryset built and compiled to SQL once per process, then run with each request's values.

Building a queryset through the ORM and compiling it costs about a millisecond of CPU for search's policy
query (`Note.objects.listed_for` + counters), as much as the database spends answering it, and it is the
same SQL every time but for the ids and the viewer. `CompiledValues` builds it once with marker values,
finds the markers among the compiled parameters, and from then on binds the real values in their place
and runs the SQL directly, with the compiler's own converters applied to the rows. The SQL is the ORM's
own, so the rules (the visibility policy) still live in one place; a test checks the rows against the ORM.

Only values that reach the SQL as parameters can vary. The SQL is compiled again for each SHAPE of the
arguments (None or an anonymous viewer, a model instance, an integer), so an anonymous and a member viewer
get their own. Everything else is frozen at the first call, so the contract is enforced, not assumed:

- a model instance reaches `build` as a guarded stand-in that answers only `pk` (its attname) and
  `is_authenticated` / `is_anonymous`, plus what the ORM itself reads to bind an instance (`_meta`,
  `_state`, methods of `Model`). Any other attribute (`viewer.is_staff`, `viewer.settings`) raises
  `CompiledQueryError` at the first call instead of being compiled in with the stand-in's value;
- the query is built twice with different markers: a parameter that differs between the two builds (one
  derived from a marker, `timezone.now()`, a random value) is refused, and so is any date or time
  parameter (a clock frozen by a test would hide it). `Now()` is fine: it is SQL, evaluated per run;
- `HONGSHU_COMPILED_QUERIES=false` turns the fast path off: `rows` builds the queryset afresh with the
  real values and runs it through the ORM (same rows, ~1 ms more CPU per call).

It relies on private compiler APIs (`SQLCompiler.as_sql`, `results_iter`, `has_extra_select`,
`col_count`, the backend's integer wrapping on PostgreSQL); tests/core/test_compiled_canary.py pins them.
Markers are integers no real row has.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from hongshu.core.lookups import ids_parameter
from hongshu.core.replica import read_alias

# Far below any id this project issues (ids are positive, time-ordered).
_MARKER_BASE = -(2**62)
MARKER_IDS = [_MARKER_BASE - 1, _MARKER_BASE - 2]
_TIME_TEXT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\d\d:\d\d:\d\d")


def _first_marker(n: int) -> int:
    return _MARKER_BASE - 100 - n


def _second_marker(n: int) -> int:
    """The second build's marker for argument `n`: positive, and of the other parity than the first's, so
    that a rule branching in Python on the pk's sign or parity compiles differently and is refused. It is
    only compiled, never run, so it need not be a value no row has."""
    return 2**62 + 101 + n


# What core.compiled uses of Django's compiler; checked before the first compile so that a Django upgrade
# that drops one fails with this module's name rather than somewhere inside a search request.
COMPILER_API = ("as_sql", "results_iter", "has_extra_select", "col_count")


class CompiledQueryError(ValueError):
    """A query `CompiledValues` cannot compile once and rebind safely: it depends on something that is
    not a bound argument (a viewer attribute, the clock, a value written into the SQL text)."""


class _StandIn:
    """An unsaved instance of the viewer's model seen through a guard: Django's lookups accept it as that
    model (`isinstance` reads `__class__`, as for `request.user`'s lazy proxy) and read `_meta` and its pk;
    anything else the instance has raises, so a rule that reads another attribute cannot be compiled with
    the stand-in's value and silently ignored for every real viewer."""

    __slots__ = ("_hongshu_allowed", "_hongshu_instance")

    def __init__(self, instance: Model) -> None:
        object.__setattr__(self, "_hongshu_instance", instance)
        allowed = {"pk", instance._meta.pk.attname, "is_authenticated", "is_anonymous"}
        object.__setattr__(self, "_hongshu_allowed", frozenset(allowed))

    def __getattribute__(self, name: str) -> Any:
        instance = object.__getattribute__(self, "_hongshu_instance")
        if name == "__class__":
            return instance.__class__
        allowed: frozenset[str] = object.__getattribute__(self, "_hongshu_allowed")
        if (
            name in allowed
            or name in ("_meta", "_state")
            or (name.startswith("_") and hasattr(Model, name))  # the ORM's own machinery
        ):
            return getattr(instance, name)
        if name.startswith("__") and name.endswith("__"):
            return object.__getattribute__(self, name)
        if not hasattr(type(instance), name) and name not in vars(instance):
            # Truly absent: the ORM probes values with hasattr (`resolve_expression`...), which must
            # stay False as it is for the instance itself.
            raise AttributeError(name)
        raise CompiledQueryError(
            f"a compiled query read `{type(instance).__name__}.{name}` of its stand-in viewer: only pk "
            "and is_authenticated can vary per call, so this rule would be compiled once and ignored "
            "for every real viewer. Bind the value as an argument, or build this query through the ORM."
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise CompiledQueryError(f"a compiled query set `{name}` on its stand-in viewer")

    def __eq__(self, other: object) -> bool:
        return bool(object.__getattribute__(self, "_hongshu_instance") == other)

    def __hash__(self) -> int:
        return hash(object.__getattribute__(self, "_hongshu_instance"))

    def __repr__(self) -> str:
        return f"<stand-in {object.__getattribute__(self, '_hongshu_instance')!r}>"


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
    anonymous viewers as they are; a model instance a guarded unsaved one of its class with a marker pk;
    an integer a marker integer. `__class__`, not `type()`: Django hands views `request.user` as a lazy
    proxy, which reports the class of the member behind it while its own type cannot be built with a pk."""
    kind = _kind(value)
    if kind.startswith("none:"):
        return value, None
    if kind == "int":
        return marker, marker
    return _StandIn(value.__class__(pk=marker)), marker


def _bound(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class CompiledValues:
    """`build(ids, **args)` → a `values_list` queryset, compiled once per shape and database, and run by
    `rows(ids=..., **args)`. `build` must use `ids` only as `field__in_ids=ids`, an integer argument only
    as a bound value and a model instance only through its `pk` (and `is_authenticated`); anything else
    is refused at the first call (see the module's docstring)."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}
        self._lock = Lock()

    def _build_once(
        self, using: str, args: dict[str, Any], marker_of: Callable[[int], int]
    ) -> tuple[SQLCompiler, str, list[Any], dict[int, str]]:
        stand_ins: dict[str, Any] = {}
        markers: dict[int, str] = {}
        for n, (name, value) in enumerate(sorted(args.items()), start=1):
            stand_ins[name], marker = _stand_in(value, marker_of(n))
            if marker is not None:
                markers[marker] = name
        compiler = self._build(MARKER_IDS, **stand_ins).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        # has_extra_select and col_count are set by as_sql (its setup), so they are looked for after it.
        missing = [name for name in COMPILER_API if not hasattr(compiler, name)]
        if missing:
            raise CompiledQueryError(
                f"Django's SQLCompiler no longer has {', '.join(missing)}, which core.compiled uses; "
                "set HONGSHU_COMPILED_QUERIES=false and adapt hongshu/core/compiled.py"
            )
        return compiler, sql, list(params), markers

    def _compile(self, using: str, args: dict[str, Any]) -> _Compiled:
        compiler, sql, params, markers = self._build_once(using, args, _first_marker)
        _, sql_again, params_again, markers_again = self._build_once(using, args, _second_marker)
        second_marker = {name: marker for marker, name in markers_again.items()}
        if str(_MARKER_BASE)[:-4] in sql:  # a marker inlined into the SQL text could not be rebound
            raise CompiledQueryError("a marker value reached the SQL text instead of its parameters")
        if sql_again != sql or len(params_again) != len(params):
            raise CompiledQueryError("the compiled SQL changes with the values it was built with")
        ids_param = ids_parameter(MARKER_IDS, vendor=connections[using].vendor)
        slots: list[tuple[str, Any]] = []
        for param, again in zip(params, params_again, strict=True):
            if param == ids_param and again == ids_param:
                slots.append(("ids", None))
            elif _is_int(param) and param in markers and again == second_marker[markers[param]]:
                # Kept in the class the backend wrapped it in (PostgreSQL's server-side binding: Int8).
                slots.append(("arg", (markers[param], type(param))))
            elif isinstance(param, datetime.date | datetime.time | datetime.timedelta) or (
                isinstance(param, str) and _TIME_TEXT.match(param)  # SQLite binds times as text
            ):
                raise CompiledQueryError(
                    f"a compiled query has the time {param!r} among its parameters: it would be frozen "
                    "at the first call. Compare with Now() (evaluated by the database per run) or bind it."
                )
            elif param != again or (_is_int(param) and abs(param - _MARKER_BASE) < 2**40):
                raise CompiledQueryError(
                    f"a compiled query parameter ({param!r}) is derived from a marker or changes between "
                    "builds: it would be frozen at the first call. Bind it as an argument."
                )
            else:
                slots.append(("const", param))
        return _Compiled(sql, slots, compiler)

    def rows(self, *, ids: Sequence[int], using: str | None = None, **args: Any) -> list[tuple[Any, ...]]:
        using = using or read_alias()  # a replica's, inside replica_reads()
        key = (using, *((name, _kind(value)) for name, value in sorted(args.items())))
        if not settings.HONGSHU.compiled_queries:
            # The plain path: the ORM builds and compiles the query with the real values.
            queryset = self._build([int(i) for i in ids], **args).using(using)
            return [tuple(row) for row in queryset]
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
