"""`CompiledValues` runs the ORM's own SQL with each call's values: the same rows as the queryset built anew."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from hongshu.accounts.models import User
from hongshu.core.compiled import CompiledQueryError, CompiledValues
from hongshu.interactions.selectors import COUNT_FIELDS, with_counts
from hongshu.notes.models import Note
from hongshu.social.models import Block, Follow, Mute


def _policy(ids: list[int], viewer: Any) -> QuerySet[Any]:
    listed = Note.objects.listed_for(viewer).filter(pk__in_ids=ids)
    return with_counts(listed).values_list("pk", "title", "created_at", *COUNT_FIELDS)


def test_rows_match_the_orm_for_every_kind_of_viewer(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    nina, ann, bob, eve, mia = (make_member(h) for h in ("nina", "ann", "bob", "eve", "mia"))
    # Staff and superusers are members like any other to the policy (issue 21 item 3: they must be
    # compared too, as a staff rule is the likeliest to be added).
    staff, root = make_member("stella"), make_member("rooney")
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    staff.refresh_from_db()
    root.refresh_from_db()
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
        ("bob", bob), ("eve", eve), ("mia", mia), ("staff", staff), ("root", root),
        ("lazy ann", SimpleLazyObject(lambda: ann)), ("lazy staff", SimpleLazyObject(lambda: staff)),
        ("lazy anonymous", SimpleLazyObject(AnonymousUser)),
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
    assert seen["staff"] == seen["root"] == seen["lazy staff"] == {"public", "bob's"}
    assert seen["lazy ann"] == seen["ann"]
    assert seen["lazy anonymous"] == seen["anonymous"]
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
    # Anonymous and member, each built twice (the second build catches values that would be frozen);
    # the second member reuses the first's SQL.
    assert len(built) == 4
    assert built[0] is built[1] is None
    assert isinstance(built[2], User)
    assert built[2].pk not in (ann.pk, bob.pk)
    assert built[3].pk not in (ann.pk, bob.pk, built[2].pk)


def test_what_cannot_be_rebound_is_refused(db: None) -> None:
    # A value written into the SQL text instead of bound as a parameter cannot be replaced per call.
    def inlined(ids: list[int], number: int) -> QuerySet[Any]:
        text = RawSQL(f"{number} + 0", (), output_field=IntegerField())  # noqa: S611 - the test's own int
        return Note.objects.filter(pk__in_ids=ids).annotate(n=text).values_list("pk", "n")

    with pytest.raises(CompiledQueryError, match="marker"):
        CompiledValues(inlined).rows(ids=[1], number=5)
    with pytest.raises(TypeError):
        CompiledValues(_policy).rows(ids=[1], viewer="ann")


def test_a_lazy_viewer_is_read_through_its_proxy(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    # Issue 20 item 1: Django hands views `request.user` as a SimpleLazyObject, whose own class cannot be
    # built with a pk; the compiled query must see the member behind it.
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


def _staff_see_everything(ids: list[int], viewer: Any) -> QuerySet[Any]:
    """A plausible rule the ORM honours: staff see every live note."""
    if viewer is not None and viewer.is_authenticated and viewer.is_staff:
        return Note.objects.alive().filter(pk__in_ids=ids).values_list("pk", "title")
    return Note.objects.listed_for(viewer).filter(pk__in_ids=ids).values_list("pk", "title")


def test_a_staff_rule_is_refused_not_silently_ignored(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    # Issue 21 item 3: the rule was compiled with a stand-in viewer whose is_staff was False, so a staff
    # member got a member's rows from the compiled SQL while the ORM gave them every note.
    nina, staff = make_member("nina"), make_member("stella")
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    staff.refresh_from_db()
    ids = [post_note(nina, "only me", visibility="private").pk]
    assert [title for _, title in _staff_see_everything(ids, staff)] == ["only me"]
    with pytest.raises(CompiledQueryError, match=r"User\.is_staff"):
        CompiledValues(_staff_see_everything).rows(ids=ids, viewer=staff)
    # A default does not hide it either (an AttributeError would have been swallowed by getattr).
    with pytest.raises(CompiledQueryError, match=r"User\.handle"):
        CompiledValues(
            lambda ids, viewer: Note.objects.filter(pk__in_ids=ids, title=getattr(viewer, "handle", ""))
        ).rows(ids=ids, viewer=staff)


def test_the_stand_in_is_bound_by_the_orm_as_a_model_instance(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    # What the ORM itself reads to bind an instance (`_meta`, `_state`, the pk attname) is allowed.
    nina, bob = make_member("nina"), make_member("bob")
    notes = [post_note(nina, "hers"), post_note(bob, "his")]

    def by_author(ids: list[int], viewer: Any) -> QuerySet[Any]:
        return Note.objects.filter(pk__in_ids=ids, author=viewer).values_list("pk", "title")

    compiled = CompiledValues(by_author)
    ids = [n.pk for n in notes]
    assert compiled.rows(ids=ids, viewer=nina) == list(by_author(ids, nina)) == [(notes[0].pk, "hers")]
    assert compiled.rows(ids=ids, viewer=SimpleLazyObject(lambda: bob)) == [(notes[1].pk, "his")]


def test_a_clock_value_is_refused_and_now_is_evaluated_per_run(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    # Scheduled notes: `published_at <= timezone.now()` would be frozen at the first call.
    nina = make_member("nina")
    past, future = post_note(nina, "past"), post_note(nina, "future")
    Note.objects.filter(pk=future.pk).update(published_at=timezone.now() + datetime.timedelta(days=1))
    ids = [past.pk, future.pk]

    def frozen(ids: list[int]) -> QuerySet[Any]:
        return Note.objects.filter(pk__in_ids=ids, published_at__lte=timezone.now()).values_list("title")

    with pytest.raises(CompiledQueryError, match=r"Now\(\)"):
        CompiledValues(frozen).rows(ids=ids)

    def scheduled(ids: list[int]) -> QuerySet[Any]:
        return Note.objects.filter(pk__in_ids=ids, published_at__lte=Now()).values_list("title")

    compiled = CompiledValues(scheduled)
    assert compiled.rows(ids=ids) == list(scheduled(ids)) == [("past",)]
    Note.objects.filter(pk=future.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert sorted(compiled.rows(ids=ids)) == [("future",), ("past",)]  # not frozen at the first call


def test_a_value_derived_from_the_viewer_is_refused(make_member: Callable[..., User]) -> None:
    # pk + 1 is not the marker, so it would be kept as a constant: the stand-in's, for every viewer.
    ann = make_member("ann")

    def derived(ids: list[int], viewer: Any) -> QuerySet[Any]:
        return Note.objects.filter(pk__in_ids=ids, author_id=viewer.pk + 1).values_list("pk")

    with pytest.raises(CompiledQueryError, match="derived from a marker"):
        CompiledValues(derived).rows(ids=[1], viewer=ann)

    # A rule branching in Python on the pk: the two builds' markers differ in sign and parity.
    def by_parity(ids: list[int], viewer: Any) -> QuerySet[Any]:
        notes = Note.objects.filter(pk__in_ids=ids)
        return (notes.filter(status="draft") if viewer.pk % 2 else notes).values_list("pk")

    with pytest.raises(CompiledQueryError, match="changes with the values"):
        CompiledValues(by_parity).rows(ids=[1], viewer=ann)


def test_the_setting_turns_the_fast_path_off(
    settings: Any, make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    # HONGSHU_COMPILED_QUERIES=false: the queryset is built afresh with the real values, so a rule the
    # compiled path refuses works, and the policy gives the same rows as the fast path.
    nina, ann, staff = make_member("nina"), make_member("ann"), make_member("stella")
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    staff.refresh_from_db()
    Follow.objects.create(follower=ann, followee=nina, state=Follow.State.ACCEPTED)
    notes = [
        post_note(nina, "public"),
        post_note(nina, "followers", visibility="followers"),
        post_note(nina, "only me", visibility="private"),
    ]
    ids = [n.pk for n in notes]
    viewers = [None, AnonymousUser(), nina, ann, staff, SimpleLazyObject(lambda: ann)]
    fast = CompiledValues(_policy)
    expected = {id(v): sorted(fast.rows(ids=ids, viewer=v)) for v in viewers}
    built: list[object] = []

    def build(ids: list[int], viewer: Any) -> QuerySet[Any]:
        built.append(viewer)
        return _policy(ids, viewer)

    settings.HONGSHU = settings.HONGSHU.model_copy(update={"compiled_queries": False})
    plain = CompiledValues(build)
    for viewer in viewers:
        assert sorted(plain.rows(ids=ids, viewer=viewer)) == expected[id(viewer)]
    assert built == viewers  # the real viewers, once per call: nothing compiled and kept
    titles = {title for _, title in CompiledValues(_staff_see_everything).rows(ids=ids, viewer=staff)}
    assert titles == {"public", "followers", "only me"}


def test_search_policy_query_fast_path_equals_the_orm_for_every_kind_of_viewer(
    settings: Any, make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    # search.selectors' own compiled query, against the same built afresh with the real viewer
    # (HONGSHU_COMPILED_QUERIES=false), staff, superusers and a lazy request.user included.
    from hongshu.search.selectors import _listed_with_counts

    nina, ann, mia = make_member("nina"), make_member("ann"), make_member("mia")
    staff, root = make_member("stella"), make_member("rooney")
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    staff.refresh_from_db()
    root.refresh_from_db()
    Follow.objects.create(follower=ann, followee=nina, state=Follow.State.ACCEPTED)
    Follow.objects.create(follower=root, followee=nina, state=Follow.State.ACCEPTED)
    Mute.objects.create(muter=mia, muted=nina)
    notes = [
        post_note(nina, "public"),
        post_note(nina, "followers", visibility="followers"),
        post_note(nina, "only me", visibility="private"),
        post_note(staff, "staff's own", visibility="private"),
    ]
    ids = [n.pk for n in notes]
    viewers: list[tuple[str, Any]] = [
        ("none", None), ("anonymous", AnonymousUser()), ("nina", nina), ("ann", ann), ("mia", mia),
        ("staff", staff), ("root", root), ("lazy staff", SimpleLazyObject(lambda: staff)),
        ("lazy root", SimpleLazyObject(lambda: root)), ("lazy anonymous", SimpleLazyObject(AnonymousUser)),
    ]  # fmt: skip

    def rows(viewer: Any) -> list[tuple[Any, ...]]:
        found = _listed_with_counts.rows(ids=ids, viewer=viewer)
        return sorted((v.note_id, v.revision, v.author_revision, *counts) for v, counts in found)

    fast = {name: rows(v) for name, v in viewers}
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"compiled_queries": False})
    for name, viewer in viewers:
        assert fast[name] == rows(viewer), name
    title = {n.pk: n.title for n in notes}
    titles = {name: {title[row[0]] for row in rows} for name, rows in fast.items()}
    assert titles["staff"] == titles["lazy staff"] == {"public", "staff's own"}
    assert titles["root"] == titles["lazy root"] == {"public", "followers"}
    assert titles["mia"] == set()
    assert titles["lazy anonymous"] == titles["none"] == {"public"}
