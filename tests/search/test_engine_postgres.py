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


def test_orm_statements_are_prepared_and_the_candidate_tiers_never(db: None) -> None:
    """Repeated fixed queries are planned once per connection (settings.py); the candidate tiers are planned
    for their words every time (search.backends._unprepared), so a common word keeps its backward scan."""
    from hongshu.search import backends
    from hongshu.search.pipeline import QueryTerm

    backends.index_put([backends.IndexRow(1, "火锅 咖啡", "", "")])
    terms = [QueryTerm("火锅", 1.0, 0), QueryTerm("咖啡", 1.0, 1)]
    for _ in range(4):
        assert [c.note_id for c in backends.candidates(terms, limit=10)] == [1]
        assert backends.contains("火锅")
        assert list(Note.objects.filter(pk=1).values_list("pk", flat=True)) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "notes_note"' in statement for statement in prepared)
    reads = [s for s in prepared if "FROM search_note_pg" in s]  # writes may be prepared: one plan fits all
    assert reads == []
