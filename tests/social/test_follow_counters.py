"""Follower and following counters: every writer keeps them equal to the follow table, the profile reads
them without counting the follow table, and the reconcile job repairs drift."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hongshu.accounts.models import User
from hongshu.members.services import account_delete, member_set_active
from hongshu.social import services
from hongshu.social.models import Follow, FollowCounter
from hongshu.social.selectors import account_social, follow_counts
from hongshu.social.services.counters import _exact

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # make_member's (tests/conftest.py)


def _exact_matches(users: list[User]) -> None:
    for user in users:
        assert follow_counts(user_id=user.pk) == _exact([user.pk])[user.pk], user.handle


def test_every_writer_keeps_the_counters_equal_to_the_follow_table(make_member: Callable[..., User]) -> None:
    a, b, c, d = (make_member(h) for h in ("ann", "bob", "cat", "dan"))
    everyone = [a, b, c, d]
    services.follow_create(follower=a, followee=b)
    services.follow_create(follower=c, followee=b)
    services.follow_create(follower=b, followee=a)
    assert follow_counts(user_id=b.pk) == (2, 1)
    assert follow_counts(user_id=a.pk) == (1, 1)
    services.account_set_privacy(user=d, is_private=True)
    services.follow_create(follower=a, followee=d)
    services.follow_create(follower=b, followee=d)
    services.follow_create(follower=c, followee=d)
    assert follow_counts(user_id=d.pk) == (0, 0)  # requests do not count
    request = Follow.objects.get(follower=a, followee=d)
    services.follow_request_approve(owner=d, request_id=request.pk)
    assert follow_counts(user_id=d.pk) == (1, 0)
    services.account_set_privacy(user=d, is_private=False, pending_requests="accept")
    assert follow_counts(user_id=d.pk) == (3, 0)
    _exact_matches(everyone)
    services.follow_delete(follower=a, followee=b)
    services.follower_remove(owner=d, follower=b)
    services.block_create(blocker=b, blocked=c)  # ends c -> b
    assert follow_counts(user_id=b.pk) == (0, 1)
    _exact_matches(everyone)
    member_set_active(member=c, active=False)  # c's follow of d stops counting
    assert follow_counts(user_id=d.pk) == (1, 0)
    member_set_active(member=c, active=False)  # no change, no double count
    member_set_active(member=c, active=True)
    assert follow_counts(user_id=d.pk) == (2, 0)
    _exact_matches(everyone)
    account_delete(user=a, password=PASSWORD)
    assert follow_counts(user_id=d.pk) == (1, 0)
    assert follow_counts(user_id=b.pk) == (0, 0)
    _exact_matches([b, c, d])


def test_an_inactive_followers_follow_does_not_count(make_member: Callable[..., User]) -> None:
    a, b = make_member("ann"), make_member("bob")
    member_set_active(member=a, active=False)
    services.follow_create(follower=a, followee=b)
    assert follow_counts(user_id=b.pk) == (0, 0)
    assert follow_counts(user_id=a.pk) == (0, 1)
    member_set_active(member=a, active=True)
    assert follow_counts(user_id=b.pk) == (1, 0)
    services.follow_delete(follower=a, followee=b)
    assert follow_counts(user_id=b.pk) == (0, 0)
    assert follow_counts(user_id=a.pk) == (0, 0)


def test_reconcile_repairs_drift_and_folds_the_shards(make_member: Callable[..., User]) -> None:
    star = make_member("star")
    fans = [make_member(f"fan{n}") for n in range(5)]
    for fan in fans:
        services.follow_create(follower=fan, followee=star)
    Follow.objects.filter(follower=fans[0]).delete()  # a write that bypassed the services
    # drift on a shard fan1's own follow did not land on (shards are chosen at random)
    used = set(FollowCounter.objects.filter(user=fans[1]).values_list("shard", flat=True))
    FollowCounter.objects.create(user=fans[1], shard=min({1, 2} - used), followers=3)
    assert follow_counts(user_id=star.pk) == (5, 0)
    assert services.follow_counts_reconcile_all(batch_size=2) == 3  # the star, fan0 and fan1
    assert follow_counts(user_id=star.pk) == (4, 0)
    assert follow_counts(user_id=fans[1].pk) == (0, 1)
    assert FollowCounter.objects.filter(user=star).count() == 1
    assert services.follow_counts_reconcile_all() == 0


def test_the_profile_counts_without_counting_the_follow_table(make_member: Callable[..., User]) -> None:
    star, viewer = make_member("star"), make_member("viewer")
    for n in range(3):
        services.follow_create(follower=make_member(f"fan{n}"), followee=star)
    with CaptureQueriesContext(connection) as queries:
        social = account_social(viewer=viewer, account=star)
    assert (social.followers, social.following) == (3, 0)
    assert social.relationship is not None
    assert social.relationship.following == "none"
    assert len(queries.captured_queries) == 2  # the counters, the relationship
    assert not any("social_follow" in q["sql"] and "COUNT(" in q["sql"] for q in queries.captured_queries)


def test_the_reconcile_command_and_the_periodic_job(make_member: Callable[..., User]) -> None:
    from io import StringIO

    from django.core.management import call_command

    from hongshu.core.periodic import PERIODIC_JOBS, periodic_task

    star, fan = make_member("star"), make_member("fan")
    services.follow_create(follower=fan, followee=star)
    FollowCounter.objects.filter(user=star).update(followers=0)
    out = StringIO()
    call_command("follow_counts_reconcile", stdout=out)
    assert "Reconciled 1 " in out.getvalue()
    assert follow_counts(user_id=star.pk) == (1, 0)
    FollowCounter.objects.filter(user=fan).delete()
    assert "social.reconcile_follow_counts" in {job.task for job in PERIODIC_JOBS}
    periodic_task("social.reconcile_follow_counts").apply()
    assert follow_counts(user_id=fan.pk) == (0, 1)
