"""Follower and following counters: kept in the transaction of every write that changes them, reconciled
from the follow table by a periodic job.

What a count means (the profile has always shown it this way): `followers` of M is the number of accepted
follows of M whose follower is active; `following` of M is the number of accepted follows by M of active
accounts. So a count moves when an accepted follow appears or goes (follow, approve, unfollow, remove, block,
accepting all requests), and when a member on the other end is deactivated, reactivated or deleted.

Each change is an upsert on one of FOLLOW_COUNTER_SHARDS rows chosen at random, so the followers of a creator
who is gaining them fast do not queue on one row lock (the same scheme as the note counters,
`interactions.services.counters`). A count is the sum of the shards.

Lock order: callers change the follow rows first and the counters last, in one transaction; the counters are
only ever upserted (never read-then-written) outside `_reconcile_one`, which locks every shard of one member
before reading the follow table, so a concurrent writer either committed before it counts or lands after it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Count, Sum

from hongshu.accounts.models import User
from hongshu.social.models import FOLLOW_COUNTER_SHARDS, Follow, FollowCounter

RECONCILE_BATCH = 500
_TABLE = FollowCounter._meta.db_table
_FOLLOW = Follow._meta.db_table
_USER = User._meta.db_table
_ACCEPTED = Follow.State.ACCEPTED.value
# Built once from the models' own constants, never from input.
_UPSERT = (
    f"INSERT INTO {_TABLE} (user_id, shard, followers, following) VALUES (%s, %s, %s, %s) "  # noqa: S608
    f"ON CONFLICT (user_id, shard) DO UPDATE SET followers = {_TABLE}.followers + EXCLUDED.followers, "
    f"following = {_TABLE}.following + EXCLUDED.following"
)
# Every neighbour of a member on one side, by one statement (`WHERE true` lets SQLite parse the ON CONFLICT
# of an INSERT ... SELECT). The first %s is the delta, the second the member.
_NEIGHBOURS = {
    side: (
        f"INSERT INTO {_TABLE} (user_id, shard, followers, following) "  # noqa: S608
        f"SELECT f.{other}, {{shard}}, {'%s' if side == 'followers' else '0'}, "
        f"{'%s' if side == 'following' else '0'} FROM {_FOLLOW} f "
        f"WHERE f.{own} = %s AND f.state = '{_ACCEPTED}' AND true "
        f"ON CONFLICT (user_id, shard) DO UPDATE SET followers = {_TABLE}.followers + EXCLUDED.followers, "
        f"following = {_TABLE}.following + EXCLUDED.following"
    )
    # the member's followees lose or gain a follower; the member's followers lose or gain a followee
    for side, own, other in (
        ("followers", "follower_id", "followee_id"),
        ("following", "followee_id", "follower_id"),
    )
}


def follow_counts_add(*, pairs: Sequence[tuple[int, int]], sign: int) -> None:
    """Count accepted follows (follower_id, followee_id) that appeared (`sign` 1) or went (-1) in the
    caller's transaction. An end whose account is inactive does not count on the other end."""
    if not pairs:
        return
    ids = {pk for pair in pairs for pk in pair}
    active = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    followers: Counter[int] = Counter()
    following: Counter[int] = Counter()
    for follower_id, followee_id in pairs:
        if follower_id in active:
            followers[followee_id] += sign
        if followee_id in active:
            following[follower_id] += sign
    rows = [
        (user_id, random.randrange(FOLLOW_COUNTER_SHARDS), followers[user_id], following[user_id])
        for user_id in sorted(set(followers) | set(following))  # a fixed order: no deadlock between writers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_UPSERT, rows)


def follow_counts_member_presence(*, member_id: int, sign: int) -> None:
    """The member stopped (`sign` -1: deactivated, or about to be deleted) or started again (1: reactivated)
    counting on the other end of their accepted follows: two statements, however many follows they have.
    Call it in the transaction that changes `is_active` or deletes the member, before the deletion."""
    shard = random.randrange(FOLLOW_COUNTER_SHARDS)
    with connection.cursor() as cursor:
        for sql in _NEIGHBOURS.values():
            cursor.execute(sql.format(shard=shard), [sign, member_id])


def _exact(user_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    accepted = Follow.objects.filter(state=Follow.State.ACCEPTED)
    followers = dict(
        accepted.filter(followee_id__in=user_ids, follower__is_active=True)
        .values("followee_id")
        .annotate(n=Count("id"))
        .values_list("followee_id", "n")
    )
    following = dict(
        accepted.filter(follower_id__in=user_ids, followee__is_active=True)
        .values("follower_id")
        .annotate(n=Count("id"))
        .values_list("follower_id", "n")
    )
    return {pk: (followers.get(pk, 0), following.get(pk, 0)) for pk in user_ids}


def _reconcile_one(user_id: int) -> bool:
    """Fold a member's shards into shard 0 holding the exact counts; True if they had drifted. Every shard
    row is made to exist and locked before the follow table is read (see the module's lock order)."""
    with transaction.atomic():
        FollowCounter.objects.bulk_create([FollowCounter(user_id=user_id, shard=0)], ignore_conflicts=True)
        FollowCounter.objects.select_for_update().filter(user_id=user_id, shard=0).get()
        FollowCounter.objects.bulk_create(
            [FollowCounter(user_id=user_id, shard=s) for s in range(1, FOLLOW_COUNTER_SHARDS)],
            ignore_conflicts=True,
        )
        shards = list(FollowCounter.objects.select_for_update().filter(user_id=user_id).order_by("shard"))
        exact = _exact([user_id])[user_id]
        drifted = (sum(s.followers for s in shards), sum(s.following for s in shards)) != exact
        FollowCounter.objects.filter(pk=shards[0].pk).update(followers=exact[0], following=exact[1])
        FollowCounter.objects.filter(pk__in=[s.pk for s in shards[1:]]).delete()
    return drifted


def follow_counts_reconcile(*, user_ids: Iterable[int]) -> int:
    """Recompute the exact counts of `user_ids` (members that no longer exist are skipped); returns how
    many had drifted."""
    wanted = list(dict.fromkeys(user_ids))
    existing = set(User.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return sum(_reconcile_one(pk) for pk in wanted if pk in existing)


def follow_counts_reconcile_all(*, batch_size: int = RECONCILE_BATCH) -> int:
    """The periodic repair: compare every member's counters with the follow table in keyset batches (two
    grouped counts and one grouped sum per batch) and reconcile those that differ. Returns how many did."""
    drifted, last = 0, 0
    while True:
        ids = list(User.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return drifted
        last = ids[-1]
        exact = _exact(ids)
        kept = {
            pk: (f or 0, g or 0)
            for pk, f, g in FollowCounter.objects.filter(user_id__in=ids)
            .values("user_id")
            .annotate(f=Sum("followers"), g=Sum("following"))
            .values_list("user_id", "f", "g")
        }
        wrong = [pk for pk in ids if kept.get(pk, (0, 0)) != exact[pk]]
        drifted += follow_counts_reconcile(user_ids=wrong)
