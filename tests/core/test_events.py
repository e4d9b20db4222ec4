"""The after-commit events table: every consumer is a registered task, every announced event is listed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from celery import Task, current_app
from django.utils.module_loading import import_string

from hongshu.core.events import EVENTS, UnknownEvent, announce_on_commit

SRC = Path(__file__).resolve().parents[2] / "src" / "hongshu"


def test_every_consumer_path_resolves_to_a_registered_task():
    for event, consumers in EVENTS.items():
        assert consumers, f"{event} has no consumer"
        for path in consumers:
            task = import_string(path)
            assert isinstance(task, Task), path
            assert task.name in current_app.tasks, path  # shared_task gives a proxy of the registered one


def _announced() -> list[tuple[Path, int, str]]:
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "announce_on_commit"
            ):
                first = node.args[0]
                # "a" if private else "b" names two events
                names = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
                for name in names:
                    assert isinstance(name, ast.Constant), (
                        f"{path}:{node.lineno}: announce a literal event name"
                    )
                    found.append((path, node.lineno, name.value))
    return found


def test_every_announced_event_is_in_the_table():
    announced = _announced()
    assert len(announced) >= 8  # the writers of notes, comments, social, interactions and accounts
    for path, line, event in announced:
        assert event in EVENTS, f"{path}:{line} announces {event!r}, which EVENTS does not list"


def test_an_unknown_event_fails_where_it_is_announced():
    with pytest.raises(UnknownEvent):
        announce_on_commit("note_chnaged", 1)


def test_writers_do_not_import_consumer_tasks():
    """The writing apps reach their consumers only through the table (import-linter checks it too)."""
    for app in ("notes", "comments", "social", "interactions", "accounts"):
        for path in (SRC / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for consumer in ("search.tasks", "embeddings", "notifications", "translation"):
                assert f"hongshu.{consumer}" not in text, f"{path} imports hongshu.{consumer}"
