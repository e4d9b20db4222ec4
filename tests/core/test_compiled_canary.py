"""Canary: the private Django compiler APIs `core.compiled` relies on, pinned so that a Django upgrade that
changes one fails here, with a message that names it, rather than as wrong rows in search.

If one of these fails after an upgrade: read hongshu/core/compiled.py against the new Django, adapt it (or
run with HONGSHU_COMPILED_QUERIES=false meanwhile), then update this file.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from typing import Any

import django
from django.db import connection
from django.db.models import Model
from django.db.models.sql.compiler import SQLCompiler
from django.utils.functional import SimpleLazyObject

from hongshu.accounts.models import User
from hongshu.core.compiled import COMPILER_API, CompiledValues
from hongshu.notes.models import Note

UPGRADE = "core.compiled relies on it: see tests/core/test_compiled_canary.py's docstring"


def test_django_is_the_version_core_compiled_was_checked_against() -> None:
    assert django.VERSION[:2] == (5, 2), (
        f"Django {django.get_version()}: core.compiled was checked against Django 5.2's SQLCompiler; "
        "re-read it against this version, then update this pin"
    )


def test_the_compiler_api_exists_with_the_signatures_used() -> None:
    for name in ("as_sql", "results_iter"):
        assert callable(getattr(SQLCompiler, name, None)), f"SQLCompiler.{name} is gone; {UPGRADE}"
    assert set(COMPILER_API) == {"as_sql", "results_iter", "has_extra_select", "col_count"}
    parameters = inspect.signature(SQLCompiler.results_iter).parameters
    assert "results" in parameters, f"SQLCompiler.results_iter no longer takes results=; {UPGRADE}"
    assert list(inspect.signature(SQLCompiler.as_sql).parameters)[:3] == [
        "self",
        "with_limits",
        "with_col_aliases",
    ], f"SQLCompiler.as_sql's signature changed; {UPGRADE}"


def test_as_sql_sets_up_what_rows_reads(make_member: Callable[..., User]) -> None:
    queryset = Note.objects.filter(author_id=make_member("ann").pk).values_list("pk", "title", "created_at")
    compiler = queryset.query.get_compiler(using="default")
    sql, params = compiler.as_sql()
    assert isinstance(sql, str), f"SQLCompiler.as_sql no longer returns (sql, params); {UPGRADE}"
    assert isinstance(params, tuple | list), f"SQLCompiler.as_sql no longer returns (sql, params); {UPGRADE}"
    assert compiler.has_extra_select is False, f"SQLCompiler.has_extra_select is not set by as_sql; {UPGRADE}"
    assert compiler.col_count == 3, f"SQLCompiler.col_count is not the selected columns' count; {UPGRADE}"
    # DISTINCT ordered by a column it does not select: the column is fetched too, after col_count.
    extra = Note.objects.order_by("title").distinct().values_list("pk")
    extra_compiler = extra.query.get_compiler(using="default")
    extra_compiler.as_sql()
    assert extra_compiler.has_extra_select is True, f"SQLCompiler.has_extra_select changed meaning; {UPGRADE}"
    assert extra_compiler.col_count == 1, f"SQLCompiler.col_count now counts extra columns; {UPGRADE}"


def test_results_iter_applies_the_converters_to_fetched_rows(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    note = post_note(make_member("ann"), "hello")
    compiler = (
        Note.objects.filter(pk=note.pk).values_list("pk", "created_at").query.get_compiler(using="default")
    )
    sql, params = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = [tuple(row) for row in compiler.results_iter(results=[fetched])]
    assert rows == [(note.pk, note.created_at)], f"SQLCompiler.results_iter(results=...) changed; {UPGRADE}"
    assert isinstance(rows[0][1], datetime.datetime)


def test_integer_parameters_keep_a_rebuildable_class(make_member: Callable[..., User]) -> None:
    # core.compiled rebinds a viewer's pk in the class the backend wrapped the marker in: psycopg's Int8
    # on PostgreSQL (server-side binding needs the type), a plain int on SQLite.
    pk = make_member("ann").pk
    _sql, params = (
        Note.objects.filter(author_id=pk).values_list("pk").query.get_compiler(using="default").as_sql()
    )
    wrapped = [p for p in params if isinstance(p, int) and not isinstance(p, bool)]
    assert wrapped == [pk], (
        f"an integer filter no longer reaches the compiled parameters as itself; {UPGRADE}"
    )
    assert type(wrapped[0])(7) == 7
    if connection.vendor == "postgresql":
        from psycopg.types.numeric import Int8

        assert type(wrapped[0]) is Int8, f"PostgreSQL's integer wrapping changed (not Int8); {UPGRADE}"


def test_a_lazy_user_and_the_stand_in_pass_for_the_model(make_member: Callable[..., User]) -> None:
    # Django's related lookups take `isinstance(value, Model)` and read `_meta` and the pk attname.
    ann = make_member("ann")
    lazy: Any = SimpleLazyObject(lambda: ann)
    assert isinstance(lazy, Model)
    assert lazy.__class__ is User
    seen: list[Any] = []

    def build(ids: list[int], viewer: Any) -> Any:
        seen.append(viewer)
        return Note.objects.filter(pk__in_ids=ids, author=viewer).values_list("pk")

    assert CompiledValues(build).rows(ids=[1], viewer=lazy) == []
    assert isinstance(seen[0], Model)
    assert seen[0].__class__ is User
