"""`CompiledValues` runs the ORM's own SQL with each call's values: the same rows as the queryset built anew."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from hongshu.accounts.models import User
from hongshu.core.compiled import CompiledValues
from hongshu.notes.models import Note
from hongshu.social.models import Block, Follow, Mute
from hongshu.social.selectors import COUNT_FIELDS, with_counts


def _policy(ids: list[int], viewer: Any) -> QuerySet[Any]:
    listed = Note.objects.listed_for(viewer).filter(pk__in_ids=ids)
    return with_counts(listed).values_list("pk", "title", "created_at", *COUNT_FIELDS)


def test_rows_match_the_orm_for_every_kind_of_viewer(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    nina, ann, bob, eve, mia = (make_member(h) for h in ("nina", "ann", "bob", "eve", "mia"))
    Follow.objects.create(follower=ann, followee=nina, state=Follow.State.ACCEPTED)
    Block.objects.create(blocker=nina, blocked=eve)
    Mute.objects.create(muter=mia, muted=nina)
    notes = [
        post_note(nina, "public"),
        post_note(nina, "followers", visibility="followers"),
        post_note(nina, "only me", visibility="private"),
        post_note(bob, "bob's"),
        post_note(nina, "draft", draft=True),
    ]
    ids = [n.pk for n in notes]
    compiled = CompiledValues(_policy)
    seen: dict[str, set[str]] = {}
    for name, viewer in [
        ("none", None), ("anonymous", AnonymousUser()), ("nina", nina), ("ann", ann),
        ("bob", bob), ("eve", eve), ("mia", mia),
    ]:  # fmt: skip
        expected = sorted(_policy(ids, viewer))
        got = sorted(compiled.rows(ids=ids, viewer=viewer))
        assert got == expected, name
        seen[name] = {row[1] for row in got}
    # The cases differ (so the rows above compare something): the policy's rules, through the compiled SQL.
    assert seen["anonymous"] == seen["none"] == {"public", "bob's"}
    assert seen["nina"] == {"public", "followers", "only me", "draft", "bob's"}
    assert seen["ann"] == {"public", "followers", "bob's"}
    assert seen["eve"] == seen["mia"] == {"bob's"}
    assert compiled.rows(ids=[], viewer=ann) == []
    assert compiled.rows(ids=[notes[3].pk, 10**15], viewer=None)[0][0] == notes[3].pk


def test_each_shape_is_built_once(make_member: Callable[..., User], post_note: Callable[..., Note]) -> None:
    ann, bob = make_member("ann"), make_member("bob")
    note = post_note(bob)
    built: list[object] = []

    def build(ids: list[int], viewer: Any) -> QuerySet[Any]:
        built.append(viewer)
        return _policy(ids, viewer)

    compiled = CompiledValues(build)
    for viewer in (None, ann, bob, None, ann, bob):
        assert [row[0] for row in compiled.rows(ids=[note.pk], viewer=viewer)] == [note.pk]
    assert len(built) == 2  # anonymous and member; the second member reuses the first's SQL
    assert built[0] is None
    assert isinstance(built[1], User)
    assert built[1].pk not in (ann.pk, bob.pk)


def test_what_cannot_be_rebound_is_refused(db: None) -> None:
    # A value written into the SQL text instead of bound as a parameter cannot be replaced per call.
    def inlined(ids: list[int], number: int) -> QuerySet[Any]:
        text = RawSQL(f"{number} + 0", (), output_field=IntegerField())  # noqa: S611 - the test's own int
        return Note.objects.filter(pk__in_ids=ids).annotate(n=text).values_list("pk", "n")

    with pytest.raises(ValueError, match="marker"):
        CompiledValues(inlined).rows(ids=[1], number=5)
    with pytest.raises(TypeError):
        CompiledValues(_policy).rows(ids=[1], viewer="ann")


def test_a_lazy_viewer_is_read_through_its_proxy(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    # Issue 20 item 1: Django hands views `request.user` as a SimpleLazyObject, whose own class cannot be
    # built with a pk; the compiled query must see the member behind it.
    from django.utils.functional import SimpleLazyObject

    nina, ann = make_member("nina"), make_member("ann")
    Follow.objects.create(follower=ann, followee=nina, state=Follow.State.ACCEPTED)
    notes = [post_note(nina, "public"), post_note(nina, "followers", visibility="followers")]
    ids = [n.pk for n in notes]
    compiled = CompiledValues(_policy)
    lazy = SimpleLazyObject(lambda: ann)
    assert sorted(compiled.rows(ids=ids, viewer=lazy)) == sorted(_policy(ids, ann))
    assert {row[1] for row in compiled.rows(ids=ids, viewer=lazy)} == {"public", "followers"}
    anonymous = SimpleLazyObject(AnonymousUser)
    assert {row[1] for row in compiled.rows(ids=ids, viewer=anonymous)} == {"public"}
