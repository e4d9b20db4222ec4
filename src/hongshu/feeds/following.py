"""The following feed: hybrid fan-out into per-member lists, merged with large authors at read time.

Write side (`fanout_note`, a job per batch of followers): when a note is published, its id is pushed into
the lists of the author's followers who read their feed in the last `feed_active_days` — unless the author
has `feed_fanout_max_followers` followers or more (`LargeAuthor`), whose notes are never pushed.

Read side (`feed_following`): the page's candidates are the newest ids of the member's list below the cursor,
merged with the newest notes of the large authors they follow (the `(author, -id)` index), and then filtered
by the one policy, `Note.objects.discoverable_for(viewer)`, plus "the viewer follows the author now". So blocks,
mutes, visibility, deletion (and any later rule of the policy) and unfollows apply at once, without
rewriting a list. A list that is missing (never built, evicted) or stale (the member was away longer than the
active window, so pushes skipped them) is rebuilt first from the newest `feed_rebuild_per_followee` notes of
each account they follow: bounded work, whatever the number of follows. A new follow merges that account's
newest notes into an existing list (`feed_follow_merge`, a job on the follow events).

Lists live in Redis (a sorted set per member) when REDIS_URL is set, else in a table (`FeedEntry`): the
`FeedStore` interface below, two backends. Both are caches: `hongshu feeds rebuild` rebuilds them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import field_error
from hongshu.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, parse_cursor
from hongshu.feeds.models import FeedEntry, FeedFanout, FeedState, LargeAuthor
from hongshu.notes.models import Note, NoteTopic
from hongshu.notes.querysets import NoteQuerySet
from hongshu.notes.selectors import notes_hydrated
from hongshu.social.models import Follow
from hongshu.topics.models import TopicFollow
from hongshu.topics.selectors import followed_topic_note_ids

if TYPE_CHECKING:
    from redis import Redis

# A member's activity is written at most this often: a read within it leaves the row alone.
TOUCH_EVERY = timedelta(hours=1)
# How many rounds of candidates one page may look at when the policy filters many of them out (mutes, blocks,
# deletions): a page is bounded even when most of a list is hidden.
READ_ROUNDS = 4
# The table backend trims lists to `feed_length` on about one push in this many (trimming is a window query
# over the batch's lists; a list may exceed the cap a little in between).
TRIM_ONE_IN = 16


def _hongshu() -> Any:
    """The typed instance settings (config.env.HongshuSettings, which this layer may not import)."""
    return settings.HONGSHU


# ---- storage: one interface, two backends ----------------------------------------------------------------


class FeedStore(Protocol):
    def exists(self, member_id: int) -> bool:
        """Whether the member's list exists (an empty list exists once built)."""

    def replace(self, member_id: int, note_ids: Sequence[int]) -> None:
        """Make the member's list exactly `note_ids` (capped)."""

    def push(self, member_ids: Sequence[int], note_id: int) -> None:
        """Add `note_id` to the existing lists among `member_ids` (a missing list stays missing)."""

    def add(self, member_id: int, note_ids: Sequence[int]) -> None:
        """Add `note_ids` to the member's list if it exists."""

    def newest(self, member_id: int, *, before: int | None, count: int) -> list[int]:
        """Up to `count` ids of the member's list below `before`, newest first."""

    def touch(self, member_id: int) -> None:
        """The member read their feed: keep their list."""

    def drop(self, member_id: int) -> None: ...

    def forget(self, note_ids: Sequence[int]) -> None:
        """Take these notes out of every member's list (purged notes)."""


class TableStore:
    """Lists as rows of `FeedEntry` (the embedded default: SQLite, no Redis)."""

    def exists(self, member_id: int) -> bool:
        return FeedState.objects.filter(member_id=member_id, built_at__isnull=False).exists()

    def replace(self, member_id: int, note_ids: Sequence[int]) -> None:
        with transaction.atomic():
            FeedEntry.objects.filter(member_id=member_id).delete()
            FeedEntry.objects.bulk_create(
                [FeedEntry(member_id=member_id, note_id=n) for n in note_ids[: _hongshu().feed_length]]
            )

    def push(self, member_ids: Sequence[int], note_id: int) -> None:
        FeedEntry.objects.bulk_create(
            [FeedEntry(member_id=m, note_id=note_id) for m in member_ids], ignore_conflicts=True
        )
        if random.randrange(TRIM_ONE_IN) == 0:
            self._trim(member_ids)

    def add(self, member_id: int, note_ids: Sequence[int]) -> None:
        FeedEntry.objects.bulk_create(
            [FeedEntry(member_id=member_id, note_id=n) for n in note_ids], ignore_conflicts=True
        )
        self._trim([member_id])

    def _trim(self, member_ids: Sequence[int]) -> None:
        from django.db.models import F, Window
        from django.db.models.functions import RowNumber

        ranked = FeedEntry.objects.filter(member_id__in=member_ids).annotate(
            rank=Window(RowNumber(), partition_by=[F("member_id")], order_by=F("note_id").desc())
        )
        extra = list(ranked.filter(rank__gt=_hongshu().feed_length).values_list("pk", flat=True))
        if extra:
            FeedEntry.objects.filter(pk__in=extra).delete()

    def newest(self, member_id: int, *, before: int | None, count: int) -> list[int]:
        rows = FeedEntry.objects.filter(member_id=member_id)
        if before is not None:
            rows = rows.filter(note_id__lt=before)
        return list(rows.order_by("-note_id").values_list("note_id", flat=True)[:count])

    def touch(self, member_id: int) -> None:
        pass  # rows do not expire

    def drop(self, member_id: int) -> None:
        FeedEntry.objects.filter(member_id=member_id).delete()

    def forget(self, note_ids: Sequence[int]) -> None:
        FeedEntry.objects.filter(note_id__in=note_ids).delete()


# Members of a Redis list are note ids as fixed-width decimal strings, all with score 0: Redis then orders them
# lexicographically, which is numeric order, exactly (a 64-bit id does not fit a double's 53 bits). A sentinel
# below every id marks a list that exists but holds nothing.
_WIDTH = 20
_SENTINEL = "0" * _WIDTH
# ZADD only into a list that exists, then keep its newest `cap` (+ the sentinel, which ranks lowest).
_PUSH = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZADD', KEYS[1], 0, ARGV[1])
  redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[2]) + 1))
end
return 0
"""


def _member_key(member_id: int) -> str:
    return f"hongshu:feed:following:v1:{member_id}"


def _wire(note_id: int) -> str:
    return str(note_id).zfill(_WIDTH)


class RedisStore:
    """Lists as Redis sorted sets (production). Each expires `feed_active_days` after its last read, so the
    lists of members who went away cost no memory; their next read rebuilds it."""

    def __init__(self, client: Redis) -> None:
        self.client = client
        self._push = client.register_script(_PUSH)

    def _ttl(self) -> int:
        return int(timedelta(days=_hongshu().feed_active_days + 1).total_seconds())

    def exists(self, member_id: int) -> bool:
        return bool(self.client.exists(_member_key(member_id)))

    def replace(self, member_id: int, note_ids: Sequence[int]) -> None:
        key = _member_key(member_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(key)
        members = {_SENTINEL: 0, **{_wire(n): 0 for n in note_ids[: _hongshu().feed_length]}}
        pipe.zadd(key, members)
        pipe.expire(key, self._ttl())
        pipe.execute()

    def push(self, member_ids: Sequence[int], note_id: int) -> None:
        pipe = self.client.pipeline(transaction=False)
        for member_id in member_ids:
            self._push(
                keys=[_member_key(member_id)], args=[_wire(note_id), _hongshu().feed_length], client=pipe
            )
        pipe.execute()

    def add(self, member_id: int, note_ids: Sequence[int]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for note_id in note_ids:
            self._push(
                keys=[_member_key(member_id)], args=[_wire(note_id), _hongshu().feed_length], client=pipe
            )
        pipe.execute()

    def newest(self, member_id: int, *, before: int | None, count: int) -> list[int]:
        top = f"({_wire(before)}" if before is not None else "+"
        raw = self.client.zrevrangebylex(_member_key(member_id), top, f"({_SENTINEL}", start=0, num=count)
        return [int(m) for m in cast("list[bytes]", raw)]

    def touch(self, member_id: int) -> None:
        self.client.expire(_member_key(member_id), self._ttl())

    def drop(self, member_id: int) -> None:
        self.client.delete(_member_key(member_id))

    def forget(self, note_ids: Sequence[int]) -> None:
        # Any list may hold a purged note (followers change), so every list is visited: one SCAN over the
        # lists that exist (members who read within feed_active_days), pipelined ZREMs. Hourly, in batches.
        wired = [_wire(n) for n in note_ids]
        pipe = self.client.pipeline(transaction=False)
        for key in self.client.scan_iter(match=_member_key(0).removesuffix("0") + "*", count=1000):
            pipe.zrem(key, *wired)
            if len(pipe) >= 1000:
                pipe.execute()
        pipe.execute()


def feed_store() -> FeedStore:
    """The lists' backend: Redis when REDIS_URL is set, else the table."""
    if _hongshu().redis_url:
        from django_redis import get_redis_connection

        return RedisStore(cast("Redis", get_redis_connection("default")))
    return TableStore()


# ---- candidates -------------------------------------------------------------------------------------------


def _newest_of_followees(member_id: int) -> list[int]:
    """The ids a rebuilt list holds: the newest `feed_rebuild_per_followee` published notes of every account
    the member follows (accepted), newest first, capped at `feed_length`. One statement whatever the number
    of follows: on PostgreSQL a LATERAL walk of the (author, -id) index per followee; SQLite (the embedded
    default, small instances) reads the followees' newest notes directly."""
    hongshu = _hongshu()
    if connection.vendor == "postgresql":
        sql = f"""
            SELECT n.id FROM {Follow._meta.db_table} f
            CROSS JOIN LATERAL (
                SELECT id FROM {Note._meta.db_table}
                WHERE author_id = f.followee_id AND status = %s AND deleted_at IS NULL
                ORDER BY id DESC LIMIT %s
            ) n
            WHERE f.follower_id = %s AND f.state = %s
            ORDER BY n.id DESC LIMIT %s
        """  # noqa: S608 - table names from the models, values bound
        params = [
            Note.Status.PUBLISHED,
            hongshu.feed_rebuild_per_followee,
            member_id,
            Follow.State.ACCEPTED,
            hongshu.feed_length,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
    followees = Follow.objects.filter(follower_id=member_id, state=Follow.State.ACCEPTED).values(
        "followee_id"
    )
    notes = Note.objects.filter(
        author_id__in=followees, status=Note.Status.PUBLISHED, deleted_at__isnull=True
    ).order_by("-id")
    return list(notes.values_list("id", flat=True)[: hongshu.feed_length])


def _large_candidates(authors: list[int], *, before: int | None, count: int) -> list[int]:
    """The newest `count` published notes below `before` of the large authors a member follows: one bounded
    index range per author (a UNION on PostgreSQL)."""
    if not authors:
        return []
    base = Note.objects.filter(status=Note.Status.PUBLISHED, deleted_at__isnull=True)
    if before is not None:
        base = base.filter(pk__lt=before)
    if connection.features.supports_slicing_ordering_in_compound and len(authors) > 1:
        parts = [
            base.filter(author_id=a).order_by("-id").values_list("id", flat=True)[:count] for a in authors
        ]
        return sorted(parts[0].union(*parts[1:], all=True), reverse=True)[:count]
    return list(base.filter(author_id__in=authors).order_by("-id").values_list("id", flat=True)[:count])


def _followed_now(viewer: User) -> Q:
    """The author is one the viewer follows now, or the note carries a topic the viewer follows
    (hongshu.topics: a followed topic's notes join the following feed)."""
    author_followed = Exists(
        Follow.objects.filter(
            follower_id=viewer.pk, followee_id=OuterRef("author_id"), state=Follow.State.ACCEPTED
        )
    )
    topic_followed = Exists(
        NoteTopic.objects.filter(
            note_id=OuterRef("pk"),
            topic_id__in=TopicFollow.objects.filter(member_id=viewer.pk).values("topic_id"),
        )
    )
    return Q(author_followed) | Q(topic_followed)


# ---- services --------------------------------------------------------------------------------------------


def feed_rebuild(*, member: User, store: FeedStore | None = None) -> int:
    """Rebuild `member`'s list from the notes of the accounts they follow; the number of ids it holds.

    The member is marked active *before* the list is read, so a note published meanwhile is either in what
    the rebuild reads or pushed by its fan-out (which now counts them as active)."""
    store = store or feed_store()
    now = timezone.now()
    FeedState.objects.update_or_create(member_id=member.pk, defaults={"active_at": now})
    ids = _newest_of_followees(member.pk)
    store.replace(member.pk, ids)
    FeedState.objects.filter(member_id=member.pk).update(built_at=now)
    return len(ids)


def feed_rebuild_all(*, store: FeedStore | None = None) -> int:
    """Rebuild the list of every member who has one (their feed state); the number of lists rebuilt."""
    store = store or feed_store()
    done = 0
    for member in User.objects.filter(pk__in=FeedState.objects.values("member_id")).iterator():
        feed_rebuild(member=member, store=store)
        done += 1
    return done


def _fresh_state(viewer: User, store: FeedStore) -> None:
    """Rebuild the viewer's list when it is missing or stale; else note the read (at most every TOUCH_EVERY).

    Stale: the member was not active within the window, so fan-out skipped them."""
    now = timezone.now()
    state = FeedState.objects.filter(member_id=viewer.pk).first()
    window = timedelta(days=_hongshu().feed_active_days)
    if state is None or state.built_at is None or state.active_at < now - window:
        feed_rebuild(member=viewer, store=store)
        return
    if not isinstance(store, TableStore) and not store.exists(viewer.pk):  # evicted from Redis
        feed_rebuild(member=viewer, store=store)
        return
    if state.active_at < now - TOUCH_EVERY:
        FeedState.objects.filter(member_id=viewer.pk).update(active_at=now)
        store.touch(viewer.pk)


def feed_following(*, viewer: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[Note]:
    """The viewer's following feed: published notes of the accounts they follow, newest first, by id cursor
    (stable while new notes arrive: a page is "below this id").

    Not a pure read: it materialises the cache it reads (builds a missing or stale list, notes the
    member's activity at most hourly). Every candidate passes `Note.objects.discoverable_for(viewer)` and "the
    viewer follows its author now", so the lists never decide what may be shown."""
    if not 1 <= limit <= MAX_LIMIT:
        raise field_error("limit", _("Choose between 1 and 50 items per page."), code="invalid_limit")
    before = parse_cursor(cursor)  # a 422 on a malformed cursor
    store = feed_store()
    _fresh_state(viewer, store)
    large = list(
        Follow.objects.filter(
            follower_id=viewer.pk,
            state=Follow.State.ACCEPTED,
            followee_id__in=LargeAuthor.objects.values("author_id"),
        ).values_list("followee_id", flat=True)
    )
    # `discoverable_for`, not `listed_for`: a limited note comes to its author's followers, but not through
    # a followed topic to anyone else (it is `listed_for` for every note of a followed author).
    policy: NoteQuerySet = (
        Note.objects.discoverable_for(viewer)
        .filter(status=Note.Status.PUBLISHED)
        .filter(_followed_now(viewer))
    )
    want = limit + 1
    fetch = want * 2
    kept: list[int] = []
    for round_number in range(READ_ROUNDS):
        candidates = _merge(
            store.newest(viewer.pk, before=before, count=fetch),
            _large_candidates(large, before=before, count=fetch),
            followed_topic_note_ids(member=viewer, before_id=before, limit=fetch),
            count=fetch,
        )
        if not candidates:
            break
        exhausted = len(candidates) < fetch
        if round_number == 0:
            # Usually the policy keeps a page's worth of the first candidates: filter and hydrate in one go.
            first = list(notes_hydrated(policy.filter(pk__in=candidates)).order_by("-id")[:want])
            if len(first) == want or exhausted:
                return _page(first, limit)
        kept += policy.filter(pk__in=candidates).order_by("-id").values_list("id", flat=True)
        if len(kept) >= want or exhausted:
            break
        before = candidates[-1]
    else:
        # Every round's candidates were mostly hidden: a short page whose cursor goes on below the last
        # candidate looked at, so one page stays bounded and the feed does not end early.
        if kept and len(kept) < want and before is not None:
            page_ids = kept[:limit]
            notes = list(notes_hydrated(policy.filter(pk__in=page_ids)).order_by("-id"))
            return Page(items=notes, next_cursor=str(before))
        if not kept and before is not None:
            return Page(items=[], next_cursor=str(before))
    page_ids = kept[:want]
    notes = list(notes_hydrated(policy.filter(pk__in=page_ids)).order_by("-id")) if page_ids else []
    return _page(notes, limit)


def _page(notes: list[Note], limit: int) -> Page[Note]:
    """The first `limit` of `notes` (newest first), with a cursor when one more was found."""
    items = notes[:limit]
    return Page(items=items, next_cursor=str(items[-1].pk) if len(notes) > limit else None)


def _merge(*sources: Iterable[int], count: int) -> list[int]:
    return sorted({i for source in sources for i in source}, reverse=True)[:count]


def fanout_note(*, note_id: int) -> bool:
    """Push one batch of `note_id`'s fan-out (`FeedFanout`); True when more batches remain.

    Nothing for a draft or a deleted note, nor for a note whose fan-out is done (an edit does not push
    again); a large author's notes are marked done at once, as readers merge them."""
    hongshu = _hongshu()
    note = Note.objects.filter(pk=note_id).only("pk", "author_id", "status", "deleted_at").first()
    if note is None or note.status != Note.Status.PUBLISHED or note.deleted_at is not None:
        return False
    record, _created = FeedFanout.objects.get_or_create(note_id=note_id)
    if record.state == FeedFanout.State.DONE:
        return False
    followers = Follow.objects.filter(followee_id=note.author_id, state=Follow.State.ACCEPTED)
    if LargeAuthor.objects.filter(author_id=note.author_id).exists() or (
        followers[: hongshu.feed_fanout_max_followers].count() >= hongshu.feed_fanout_max_followers
    ):
        LargeAuthor.objects.get_or_create(author_id=note.author_id)
        _advance(record, done=True)
        return False
    cutoff = timezone.now() - timedelta(days=hongshu.feed_active_days)
    batch = list(
        FeedState.objects.filter(
            member_id__in=followers.values("follower_id"),
            member_id__gt=record.next_after,
            active_at__gte=cutoff,
            built_at__isnull=False,
        )
        .order_by("member_id")
        .values_list("member_id", flat=True)[: hongshu.feed_fanout_batch]
    )
    if batch:
        feed_store().push(batch, note_id)
    more = bool(len(batch) == hongshu.feed_fanout_batch)
    _advance(record, done=not more, after=batch[-1] if batch else None, pushed=len(batch))
    return more


def feed_note_restored(*, note_id: int) -> bool:
    """A note a moderator removed is back: its fan-out starts over (pushing an id a list already holds changes
    nothing), since the lists rebuilt while it was gone do not hold it. True when more batches remain."""
    FeedFanout.objects.filter(note_id=note_id).delete()
    return fanout_note(note_id=note_id)


def _advance(record: FeedFanout, *, done: bool, after: int | None = None, pushed: int = 0) -> None:
    if after is not None:
        record.next_after = after
    record.pushed += pushed
    record.state = FeedFanout.State.DONE if done else FeedFanout.State.PENDING
    record.updated_at = timezone.now()
    record.save(update_fields=["next_after", "pushed", "state", "updated_at"])


def feed_follow_merge(*, follower_ids: Sequence[int], followee_id: int) -> None:
    """`follower_ids` now follow `followee_id` (accepted): merge the followee's newest notes into the lists
    those members have (a missing list is built, with them, on its next read)."""
    newest = list(
        Note.objects.filter(author_id=followee_id, status=Note.Status.PUBLISHED, deleted_at__isnull=True)
        .order_by("-id")
        .values_list("id", flat=True)[: _hongshu().feed_rebuild_per_followee]
    )
    if not newest:
        return
    store = feed_store()
    for follower_id in follower_ids:
        if isinstance(store, TableStore) and not store.exists(follower_id):
            continue
        store.add(follower_id, newest)


def feed_forget_notes(*, note_ids: Sequence[int]) -> None:
    """Purged notes leave every member's list (the table or Redis) and the fan-out records."""
    feed_store().forget(note_ids)
    FeedFanout.objects.filter(note_id__in=note_ids).delete()
