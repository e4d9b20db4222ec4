"""The cache of hydrated notes behind lists (search): keyed by revisions, never deciding who may see what."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create, account_update_profile, member_set_chinese_name
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note
from hongshu.notes.selectors import NoteVersion, PolicyVersions, notes_cached, notes_rendered
from hongshu.notes.services import note_delete, note_update
from hongshu.search.selectors import search_notes
from hongshu.social.services import block_create

pytestmark = pytest.mark.django_db
AfterCommit = Callable[[], AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


@pytest.fixture
def cook(db: None) -> User:
    return account_create(handle="chef", password="a long test password 1", display_name="Chef Wang")


def shown(query: str, viewer: User | None = None) -> list[tuple[str, str, str]]:
    items = search_notes(viewer=viewer, query=query).items
    return [(n.title, n.author.display_name, n.author.chinese_name) for n in items]


def hydrations(query: str) -> int:
    """How many times a search read notes rows to hydrate them (the policy query reads ids only)."""
    with CaptureQueriesContext(connection) as queries:
        search_notes(viewer=None, query=query)
    return sum(1 for q in queries.captured_queries if '"notes_note"."body"' in q["sql"])


def test_a_repeated_search_reads_its_notes_from_the_cache(
    cook: User, post_note: Callable[..., Note], after_commit: AfterCommit
) -> None:
    with after_commit():
        post_note(cook, title="dumpling night")
    assert hydrations("dumpling") == 1
    assert hydrations("dumpling") == 0
    assert shown("dumpling") == [("dumpling night", "Chef Wang", "")]


def test_an_edit_and_a_profile_change_show_at_once(
    cook: User, post_note: Callable[..., Note], after_commit: AfterCommit
) -> None:
    with after_commit():
        note = post_note(cook, title="dumpling night")
    assert shown("dumpling") == [("dumpling night", "Chef Wang", "")]
    with after_commit():
        note_update(note=note, editor=cook, title="dumpling party")
    assert shown("dumpling") == [("dumpling party", "Chef Wang", "")]
    account_update_profile(user=cook, display_name="Chef Li")
    assert shown("dumpling") == [("dumpling party", "Chef Li", "")]
    member_set_chinese_name(member=cook, name="李厨")
    assert shown("dumpling") == [("dumpling party", "Chef Li", "李厨")]


def test_the_policy_still_decides_for_cached_notes(
    cook: User, post_note: Callable[..., Note], after_commit: AfterCommit
) -> None:
    reader = account_create(handle="reader", password="a long test password 1")
    with after_commit():
        note = post_note(cook, title="dumpling night")
    assert shown("dumpling", reader) == [("dumpling night", "Chef Wang", "")]  # now cached
    block_create(blocker=reader, blocked=cook)
    assert shown("dumpling", reader) == []
    assert len(shown("dumpling")) == 1
    note_delete(note=note, actor=cook)  # its index row goes in the job; the policy hides it at once
    assert shown("dumpling") == []


def test_a_note_with_a_photo_still_processing_is_not_cached(
    cook: User, post_note: Callable[..., Note], after_commit: AfterCommit
) -> None:
    with after_commit():
        note = post_note(cook, title="dumpling night")
    MediaAsset.objects.filter(note_image__note=note).update(state=MediaAsset.State.PENDING)
    assert hydrations("dumpling") == 1
    assert hydrations("dumpling") == 1


def test_credentials_are_never_read_into_a_cached_note(cook: User, post_note: Callable[..., Note]) -> None:
    note = post_note(cook, title="dumpling night")
    [(version, _)] = PolicyVersions().rows(viewer=cook, ids=[note.pk])
    hydrated = notes_cached(versions=[version])[note.pk]
    assert "password" not in hydrated.author.__dict__
    assert "last_login" not in hydrated.author.__dict__
    from_cache = notes_cached(versions=[version])[note.pk]
    assert from_cache is not hydrated  # a copy out of the cache
    assert "password" not in from_cache.author.__dict__
    assert [i.media_id for i in from_cache.ordered_images()] == [
        i.media_id for i in hydrated.ordered_images()
    ]


def test_the_render_cache_takes_only_versions_the_policy_returned(
    cook: User, make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    """The render cache hydrates whatever it is keyed with, so a key must prove the policy let the note
    through: NoteVersion cannot be built outside the policy query, and a look-alike is refused."""
    hidden = post_note(cook, title="dumpling secret", visibility="private")
    with pytest.raises(TypeError):
        NoteVersion(hidden.pk, hidden.revision, cook.profile_revision)

    class LookAlike:
        note_id, revision, author_revision = hidden.pk, hidden.revision, cook.profile_revision

    with pytest.raises(TypeError):
        notes_rendered(form="hydrated", versions=[LookAlike()], render=lambda note: note)  # type: ignore[list-item]
    stranger = make_member("stranger")
    assert PolicyVersions().rows(viewer=stranger, ids=[hidden.pk]) == []
    assert [v.note_id for v, _ in PolicyVersions().rows(viewer=cook, ids=[hidden.pk])] == [hidden.pk]
