"""Rebuilding the index from the database: the command and its service find what live indexing found."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command

from hongshu.accounts.services import account_create
from hongshu.notes.models import Note
from hongshu.search import backends
from hongshu.search.models import SearchTerm
from hongshu.search.pipeline import query_terms
from hongshu.search.selectors import search_members, search_notes, search_topics
from hongshu.search.services import search_rebuild

pytestmark = pytest.mark.django_db


def test_rebuild_indexes_what_was_never_indexed(post_note: Callable[..., Note]) -> None:
    # No after_commit: the live jobs never ran, so only the rebuild can make these findable.
    cook = account_create(handle="chef", password="a long test password 1", display_name="火锅大王")
    for i in range(7):
        post_note(cook, title=f"麻辣火锅 {i}", body="#火锅")
    post_note(cook, title="草稿火锅", draft=True)
    assert search_notes(viewer=None, query="火锅").items == []
    result = search_rebuild(batch=3)
    assert (result.notes, result.members, result.topics) == (7, 1, 1)
    assert len(search_notes(viewer=None, query="火锅", limit=50).items) == 7
    assert [u.handle for u in search_members(viewer=None, query="hgdw").items] == ["chef"]
    assert [t.name for t in search_topics(query="huoguo").items] == ["火锅"]
    again = search_rebuild(batch=500)  # idempotent: no duplicate rows
    assert again.notes == 7
    assert SearchTerm.objects.filter(kind="topic").count() == len(
        set(SearchTerm.objects.filter(kind="topic").values_list("term", flat=True))
    )
    assert len(backends.candidates(query_terms("火锅"), limit=100)) == 7


def test_command_prints_rate(post_note: Callable[..., Note]) -> None:
    cook = account_create(handle="chef", password="a long test password 1")
    post_note(cook, title="noodles")
    out = StringIO()
    call_command("search_rebuild", "--notes", "--batch", "10", stdout=out)
    assert "indexed 1 notes" in out.getvalue()
    assert "notes/s" in out.getvalue()
    assert search_members(viewer=None, query="chef").items == []  # --notes left members alone
