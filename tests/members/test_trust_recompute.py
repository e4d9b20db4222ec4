"""Trust levels from the tables of record (members.trust): the facts counted from notes, likes and comments of
others, recomputed after the events that move them and by the periodic job for everyone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.comments.services import comment_create
from hongshu.core.periodic import PERIODIC_JOBS, periodic_task
from hongshu.interactions.services import like_create
from hongshu.members.trust import strikes_count, trust_facts, trust_recompute
from hongshu.notes.models import Note

pytestmark = pytest.mark.django_db


def _age(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days, hours=1))


def test_facts_count_only_what_others_give(make_member: Callable[..., User], post_note: Any) -> None:
    nina, ann = make_member("nina"), make_member("ann")
    note = post_note(nina)
    post_note(nina, draft=True)  # a draft is not published
    like_create(user=ann, note_id=note.pk)
    like_create(user=nina, note_id=note.pk)  # her own like does not count
    comment_create(author=ann, note_id=note.pk, body="lovely")
    comment_create(author=nina, note_id=note.pk, body="thanks")
    facts = trust_facts(user=User.objects.get(pk=nina.pk))
    assert (facts.notes_published, facts.likes_received, facts.comments_received) == (1, 1, 1)
    assert facts.email_verified is False
    assert facts.age_days == 0
    assert facts.strikes == strikes_count(user_id=nina.pk) == 0


def test_events_raise_the_level(
    make_member: Callable[..., User], post_note: Any, after_commit: Any, settings: Any
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(
        update={"trust_member_likes": 2, "trust_member_notes": 1, "trust_member_days": 1}
    )
    nina, ann, bob = make_member("nina"), make_member("ann"), make_member("bob")
    _age(nina, 2)
    User.objects.filter(pk=nina.pk).update(email_verified_at=timezone.now())
    with after_commit():
        note = post_note(nina)  # note_changed -> her first note: basic
    assert User.objects.get(pk=nina.pk).trust_level == 1
    with after_commit():
        like_create(user=ann, note_id=note.pk)
    assert User.objects.get(pk=nina.pk).trust_level == 1
    with after_commit():
        like_create(user=bob, note_id=note.pk)  # like_added -> two likes from others: member
    assert User.objects.get(pk=nina.pk).trust_level == 2


def test_verifying_the_email_raises_the_level_at_once(
    make_member: Callable[..., User], post_note: Any, after_commit: Any, settings: Any
) -> None:
    from hongshu.accounts.emails import email_change, email_verify
    from hongshu.accounts.verification import verification_token_make

    settings.HONGSHU = settings.HONGSHU.model_copy(
        update={"trust_member_likes": 0, "trust_member_notes": 1, "trust_member_days": 1}
    )
    nina = make_member("nina")
    _age(nina, 2)
    with after_commit():
        post_note(nina)
    assert User.objects.get(pk=nina.pk).trust_level == 1  # everything but a verified address
    nina.refresh_from_db()
    with after_commit():
        email_change(user=nina, email="nina@example.org", password="correct horse battery")
        email_verify(token=verification_token_make(user_id=nina.pk, email="nina@example.org"))
    assert User.objects.get(pk=nina.pk).trust_level == 2  # email_changed -> recomputed


def test_comment_event_recomputes_the_note_author(
    make_member: Callable[..., User], post_note: Any, after_commit: Any, settings: Any
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(
        update={
            "trust_member_likes": 0,
            "trust_member_notes": 1,
            "trust_member_days": 0,
            "trust_member_email": False,
            "trust_trusted_days": 0,
            "trust_trusted_notes": 1,
            "trust_trusted_likes": 0,
            "trust_trusted_comments": 1,
        }
    )
    nina, ann = make_member("nina"), make_member("ann")
    _age(nina, 1)
    note = post_note(nina)
    trust_recompute(user_ids=[nina.pk])
    assert User.objects.get(pk=nina.pk).trust_level == 2
    with after_commit():
        comment_create(author=ann, note_id=note.pk, body="wow")
    assert User.objects.get(pk=nina.pk).trust_level == 3


def test_the_periodic_job_moves_levels_with_age_and_is_scheduled(
    make_member: Callable[..., User], post_note: Any
) -> None:
    nina = make_member("nina")
    post_note(nina)
    assert User.objects.get(pk=nina.pk).trust_level == 0  # a day old at least for basic
    _age(nina, 1)
    job = next(job for job in PERIODIC_JOBS if job.task == "members.trust_recompute_all")
    periodic_task(job.task).apply()
    assert User.objects.get(pk=nina.pk).trust_level == 1
    # A level is lost as well as earned: the note goes, and with it basic.
    nina.notes.all().delete()
    periodic_task(job.task).apply()
    assert User.objects.get(pk=nina.pk).trust_level == 0


def test_many_members_in_a_fixed_number_of_queries(
    make_member: Callable[..., User], post_note: Any, count_queries: Any
) -> None:
    members = [make_member(f"mem{i}") for i in range(6)]
    fan = make_member("fan")
    for member in members:
        _age(member, 2)
        like_create(user=fan, note_id=post_note(member).pk)
    deleted = post_note(fan)
    Note.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())  # a deleted note does not count
    _age(fan, 2)
    with count_queries() as queries:
        assert trust_recompute(user_ids=[m.pk for m in [*members, fan]]) == 6
    # one for the members, four grouped counts (notes, likes, comments, strikes), one update per changed member
    assert len(queries) == 5 + 6
    assert set(User.objects.filter(pk__in=[m.pk for m in members]).values_list("trust_level", flat=True)) == {
        1
    }
    assert User.objects.get(pk=fan.pk).trust_level == 0
