"""The same engine assertions on PostgreSQL (tsvector + GIN), plus what only PostgreSQL can show."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

# The SQLite suite's classes, imported as a module so pytest does not collect them twice here.
import test_engine as on_sqlite  # type: ignore[import-not-found]
from django.db import connection

from hongshu.accounts.services import account_create
from hongshu.notes.models import Note
from hongshu.search.selectors import search_notes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


class TestNotesOnPostgres(on_sqlite.TestNotes):  # type: ignore[misc]
    pass


class TestMembersAndTopicsOnPostgres(on_sqlite.TestMembersAndTopics):  # type: ignore[misc]
    pass


def test_the_index_is_a_weighted_tsvector_under_gin(
    after_commit: Callable[[], AbstractContextManager[Any]], post_note: Callable[..., Note]
) -> None:
    assert connection.vendor == "postgresql"
    with after_commit():
        note = post_note(account_create(handle="nina", password="a long test password 1"), title="#火锅 🔥")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document::text, headline::text FROM search_note_pg WHERE note_id = %s", [note.pk]
        )
        (document, headline) = cursor.fetchone()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_note_pg_document'")
        (indexdef,) = cursor.fetchone()
    # Verbatim lexemes (no parser split the topic or the emoji), with positions and weights: A for the
    # title, B for the topics (the inline #火锅 became a topic too).
    assert document == "'#火锅':1A,4B '火锅':2A,5B '🔥':3A"
    assert "USING gin" in indexdef
    assert headline == "'#火锅' '火锅' '🔥'"  # title + topics, the title tier's own GIN-indexed column
    assert [n.pk for n in search_notes(viewer=None, query="#火锅").items] == [note.pk]
    assert [n.pk for n in search_notes(viewer=None, query="🔥").items] == [note.pk]
