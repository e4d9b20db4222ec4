"""Explore, personalized: a bounded candidate set from a few sources, ranked, diversified, snapshotted.

A first page (no cursor) builds the reader's ranking; the ids are kept in the cache under a random token
that the cursor carries (`<token>.<offset>`), so scrolling walks one stable order while new notes arrive.
If the snapshot has expired, the same seed ranks again. Every id goes through `Note.objects.discoverable_for`
when its page is read: the pool and the snapshots hold ids only, never a decision about who may see them.

Sources, each a bounded read (an index range with a LIMIT, never a scan of the follow graph or the notes):
- the trending pool (`PoolEntry`, refreshed by the periodic job), in the reader's language group and a
  slice of their other one (the bridge);
- the topics they engage with (their latest likes) and picked at sign-up (`User.interests`), through the
  pooled notes of those topics (`PoolTopic`);
- authors followed by the accounts they follow most recently (a bounded sample), and those authors' newest
  public notes;
- the newest public notes, where notes of new creators are lifted so they get seen.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import regex
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import field_error
from hongshu.core.ids import id_at
from hongshu.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from hongshu.core.replica import reads_from_replica
from hongshu.discovery.models import NotInterested, PoolEntry, PoolTopic
from hongshu.discovery.ranking import (
    INTEREST_TOPICS,
    Candidate,
    Weights,
    diversify,
    lang_group,
    other_group,
    rank_by_percentile,
    score,
    topic_affinity,
)
from hongshu.discovery.services import POOL_VERSION_KEY
from hongshu.interactions.models import Like
from hongshu.notes.models import Note, NoteTopic, Topic
from hongshu.notes.querysets import NoteQuerySet
from hongshu.notes.selectors import notes_hydrated
from hongshu.social.models import Follow

Viewer = User | AnonymousUser | None
SCREEN = 20  # notes on a phone's screenful of the waterfall: the unit of the diversity rules
SNAPSHOT_SIZE = 400  # ids kept per ranking (20 screens)
POOL_READ = 300  # best pooled notes read in the reader's language group ...
POOL_READ_OTHER = 100  # ... and in their other one
FRESH_READ = 100  # newest public notes
TOPICS_MAX = 20  # the reader's topics looked up
LIKES_READ = 50  # latest likes whose topics say what the reader engages with
FOLLOWEES_SAMPLE = 100  # most recent follows whose own follows are read ...
SECOND_HOP_READ = 2000  # ... at most this many follow rows
CLOSE_AUTHORS = 30  # authors kept from the second hop
CLOSE_NOTES = 150
NOT_INTERESTED_READ = 2000
NEW_CREATOR_DAYS = 30
INTEREST_WEIGHT = 0.7  # a topic picked at sign-up weighs this much; the topic of every recent like, up to 1
VISITOR_SEEDS = 8  # visitors share a few rankings per language group (their snapshots are shared too)
_CURSOR = regex.compile(r"^([0-9a-f]{16})\.([0-9]{1,4})$")


def weights() -> Weights:
    conf = settings.HONGSHU
    return Weights(
        trending=conf.explore_weight_trending,
        topic=conf.explore_weight_topic,
        social=conf.explore_weight_social,
        fresh=conf.explore_weight_fresh,
        new_creator=conf.explore_weight_new_creator,
        jitter=conf.explore_weight_jitter,
        other_language_share=conf.explore_other_language_share,
    )


def _member(viewer: Viewer) -> User | None:
    return viewer if isinstance(viewer, User) and viewer.is_authenticated else None


@dataclass(frozen=True)
class Exclusions:
    notes: frozenset[int]
    authors: frozenset[int]
    topics: frozenset[int]

    def hides(self, note_id: int, author_id: int, topic_ids: Iterable[int]) -> bool:
        return note_id in self.notes or author_id in self.authors or not self.topics.isdisjoint(topic_ids)


NO_EXCLUSIONS = Exclusions(frozenset(), frozenset(), frozenset())


def not_interested_of(*, member: User | None) -> Exclusions:
    """The member's latest "not interested" marks (bounded), as three sets."""
    if member is None:
        return NO_EXCLUSIONS
    rows = NotInterested.objects.filter(member=member).order_by("-id").values_list("kind", "target_id")
    sets: dict[str, set[int]] = {"note": set(), "author": set(), "topic": set()}
    for kind, target in rows[:NOT_INTERESTED_READ]:
        sets[kind].add(target)
    return Exclusions(frozenset(sets["note"]), frozenset(sets["author"]), frozenset(sets["topic"]))


def not_interested_list(
    *, member: User, cursor: str | None, limit: int = DEFAULT_LIMIT
) -> Page[NotInterested]:
    from hongshu.core.pagination import paginate_by_id

    return paginate_by_id(NotInterested.objects.filter(member=member), cursor=cursor, limit=limit)


def not_interested_names(marks: list[NotInterested]) -> dict[tuple[str, int], str]:
    """What each mark names, for lists: a note's title, an author's handle, a topic's name (3 queries)."""
    by_kind: dict[str, list[int]] = {"note": [], "author": [], "topic": []}
    for m in marks:
        by_kind[m.kind].append(m.target_id)
    names: dict[tuple[str, int], str] = {}
    for pk, title in Note.objects.filter(pk__in=by_kind["note"]).values_list("pk", "title"):
        names["note", pk] = title
    for pk, handle in User.objects.filter(pk__in=by_kind["author"]).values_list("pk", "handle"):
        names["author", pk] = handle
    for pk, name in Topic.objects.filter(pk__in=by_kind["topic"]).values_list("pk", "name"):
        names["topic", pk] = name
    return names


# ---- candidate sources ----------------------------------------------------------------------------------


PoolRow = tuple[int, int, str, float, list[int]]


def _pool(group: str, count: int) -> list[PoolRow]:
    """The best pooled notes of a language group, cached until the next refresh (viewer-independent)."""
    version = cache.get(POOL_VERSION_KEY, 0)
    key = f"discovery:pool:{version}:{group}:{count}"
    rows: list[PoolRow] | None = cache.get(key)
    if rows is None:
        rows = list(
            PoolEntry.objects.filter(lang_group=group)
            .order_by("-score")
            .values_list("note_id", "author_id", "lang_group", "score", "topic_ids")[:count]
        )
        cache.set(key, rows, 600)
    return rows


def _member_topics(member: User | None, before_id: int | None = None) -> dict[int, float]:
    """topic id -> how much the member cares (0..1): topics of their latest likes and of their interests."""
    if member is None:
        return {}
    out: dict[int, float] = {}
    keys = [k for interest in member.interests or [] for k in INTEREST_TOPICS.get(str(interest), ())]
    if keys:
        for topic_id in Topic.objects.filter(key__in=keys).values_list("pk", flat=True)[:TOPICS_MAX]:
            out[topic_id] = INTEREST_WEIGHT
    likes = Like.objects.filter(user=member)
    if before_id is not None:  # a replay of the past (the offline benchmark) sees only the likes made by then
        likes = likes.filter(pk__lt=before_id)
    liked = list(likes.order_by("-id").values_list("note_id", flat=True)[:LIKES_READ])
    if liked:
        counts = Counter(NoteTopic.objects.filter(note_id__in=liked).values_list("topic_id", flat=True))
        top = counts.most_common(TOPICS_MAX)
        if top:
            most = top[0][1]
            for topic_id, n in top:
                out[topic_id] = max(out.get(topic_id, 0.0), 0.5 + 0.5 * n / most)
    return dict(sorted(out.items(), key=lambda kv: -kv[1])[:TOPICS_MAX])


def _close_authors(member: User | None) -> dict[int, float]:
    """Authors followed by the accounts the member followed most recently, by how many of them follow
    each (bounded reads: a sample of the member's follows, a capped number of theirs)."""
    if member is None:
        return {}
    accepted = Follow.State.ACCEPTED
    followees = list(
        Follow.objects.filter(follower=member, state=accepted)
        .order_by("-id")
        .values_list("followee_id", flat=True)[:FOLLOWEES_SAMPLE]
    )
    if not followees:
        return {}
    second = Counter(
        Follow.objects.filter(follower_id__in=followees, state=accepted).values_list(
            "followee_id", flat=True
        )[:SECOND_HOP_READ]
    )
    second.pop(member.pk, None)
    for f in followees:
        second.pop(f, None)
    top = [a for a, _n in second.most_common(CLOSE_AUTHORS * 2)]
    already = set(
        Follow.objects.filter(follower=member, followee_id__in=top).values_list("followee_id", flat=True)
    )
    kept = {a: float(second[a]) for a in top if a not in already}
    return dict(sorted(kept.items(), key=lambda kv: -kv[1])[:CLOSE_AUTHORS])


def _public_recent(since_id: int) -> NoteQuerySet:
    return Note.objects.alive().filter(
        pk__gte=since_id, status=Note.Status.PUBLISHED, visibility=Note.Visibility.PUBLIC
    )


def candidates(*, viewer: Viewer, language: str, now_ms: int | None = None) -> tuple[list[Candidate], str]:
    """The reader's candidates with their signals (not yet filtered by the policy), and their main
    language group. `now_ms` replays the past (the offline benchmark); by default, now."""
    member = _member(viewer)
    now = timezone.now() if now_ms is None else None
    now_ms = now_ms if now_ms is not None else int(now.timestamp() * 1000)  # type: ignore[union-attr]
    languages = (member.languages if member else None) or [language]
    group = lang_group(str(languages[0]))
    other = other_group(group)
    found: dict[int, Candidate] = {}

    def add(note_id: int, author_id: int, note_group: str, topic_ids: Iterable[int] = ()) -> Candidate:
        c = found.get(note_id)
        if c is None:
            c = found[note_id] = Candidate(note_id, author_id, note_group, tuple(topic_ids))
        return c

    # 1. the trending pool, main language and the bridge
    pooled = _pool(group, POOL_READ) + _pool(other, POOL_READ_OTHER)
    trending = rank_by_percentile({row[0]: row[3] for row in pooled})
    for note_id, author_id, note_group, _score, topic_ids in pooled:
        add(note_id, author_id, note_group, topic_ids).trending = trending[note_id]
    # 2. topics the member engages with or picked
    liked_topics = _member_topics(member, None if now is not None else id_at(now_ms + 1, 0))
    if liked_topics:
        rows = list(
            PoolTopic.objects.filter(topic_id__in=list(liked_topics))
            .order_by("-score")
            .values_list("note_id", flat=True)[:POOL_READ]
        )
        missing = [i for i in rows if i not in found]
        entries = PoolEntry.objects.filter(note_id__in=missing).values_list(
            "note_id", "author_id", "lang_group", "score", "topic_ids"
        )
        for note_id, author_id, note_group, _score, topic_ids in entries:
            add(note_id, author_id, note_group, topic_ids)
    # 3. authors close to the ones the member follows
    since_id = id_at(now_ms - settings.HONGSHU.explore_pool_days * 86_400_000, 0)
    before_id = id_at(now_ms + 1, 0)
    close = _close_authors(member)
    if close:
        social = rank_by_percentile(close)
        close_notes = (
            _public_recent(since_id)
            .filter(author_id__in=list(close), pk__lt=before_id)
            .order_by("-id")
            .values_list("id", "author_id", "language")[:CLOSE_NOTES]
        )
        for note_id, author_id, note_language in close_notes:
            add(note_id, author_id, lang_group(note_language)).social = social[author_id]
    # 4. the newest public notes; new creators lifted
    new_since = datetime.fromtimestamp(now_ms / 1000, tz=UTC) - timedelta(days=NEW_CREATOR_DAYS)
    fresh = list(
        _public_recent(since_id)
        .filter(pk__lt=before_id)
        .order_by("-id")
        .values_list("id", "author_id", "language", "author__date_joined")[:FRESH_READ]
    )
    for rank, (note_id, author_id, note_language, joined) in enumerate(fresh):
        c = add(note_id, author_id, lang_group(note_language))
        c.fresh = 1.0 - rank / max(len(fresh), 1)
        c.new_creator = 1.0 if joined >= new_since else 0.0
    # topics of the candidates that came without them (one query)
    bare = [c.note_id for c in found.values() if not c.topic_ids and c.trending == 0.0]
    if bare:
        topics: dict[int, list[int]] = {}
        for note_id, topic_id in NoteTopic.objects.filter(note_id__in=bare).values_list(
            "note_id", "topic_id"
        ):
            topics.setdefault(note_id, []).append(topic_id)
        for note_id, topic_ids in topics.items():
            found[note_id].topic_ids = tuple(topic_ids)
    for c in found.values():
        c.topic = topic_affinity(c.topic_ids, liked_topics)
    return list(found.values()), group


def explore_ranking(
    *,
    viewer: Viewer,
    language: str,
    seed: int,
    now_ms: int | None = None,
    hidden: Exclusions | None = None,
) -> list[int]:
    """The reader's Explore order: candidates minus what they said they are not interested in, scored (`ranking.score`), diversified (`ranking.diversify`); at most SNAPSHOT_SIZE ids."""
    member = _member(viewer)
    found, group = candidates(viewer=viewer, language=language, now_ms=now_ms)
    if hidden is None:
        hidden = not_interested_of(member=member)
    w = weights()
    rng = random.Random(seed)
    kept = []
    for c in sorted(found, key=lambda c: c.note_id):
        if hidden.hides(c.note_id, c.author_id, c.topic_ids):
            continue
        c.score = score(c, w, rng)
        kept.append(c)
    kept.sort(key=lambda c: -c.score)
    ordered = diversify(
        kept[:SNAPSHOT_SIZE],
        screen=SCREEN,
        other_group_name=other_group(group),
        other_share=w.other_language_share,
    )
    return [c.note_id for c in ordered]


# ---- the feed --------------------------------------------------------------------------------------------


def _snapshot_key(member: User | None, group: str, token: str) -> str:
    who = f"m{member.pk}" if member else f"v{group}"
    return f"discovery:explore:{who}:{token}"


def _parse(cursor: str | None) -> tuple[str, int] | None:
    if not cursor:
        return None
    match = _CURSOR.match(cursor)
    if match is None:
        raise field_error("cursor", _("This cursor is not valid."), code="invalid_cursor")
    return match.group(1), int(match.group(2))


@reads_from_replica
def feed_explore(
    *, viewer: Viewer, cursor: str | None, language: str, limit: int = DEFAULT_LIMIT
) -> Page[Note]:
    """One page of the viewer's Explore (`language`: their UI language, used when their profile names
    none), hydrated, through `Note.objects.discoverable_for(viewer)` (limited notes only for followers).

    Costs O(page): the first page reads the bounded sources (about ten indexed queries; the pool is
    cached), later pages one cache read, the policy query and the hydration.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    member = _member(viewer)
    group = lang_group(str(((member.languages if member else None) or [language])[0]))
    parsed = _parse(cursor)
    if parsed is None:
        token = f"{secrets.randbelow(VISITOR_SEEDS):016x}" if member is None else secrets.token_hex(8)
        offset, ids = 0, None
    else:
        token, offset = parsed
        ids = cache.get(_snapshot_key(member, group, token))
    # Again at read: a mark made while scrolling applies to the pages still to come.
    hidden = not_interested_of(member=member)
    if ids is None:
        ids = explore_ranking(viewer=viewer, language=language, seed=int(token, 16), hidden=hidden)
        cache.set(_snapshot_key(member, group, token), ids, settings.HONGSHU.explore_snapshot_seconds)
    items: list[Note] = []
    position = offset
    while len(items) < limit and position < len(ids):
        window = ids[position : position + limit - len(items) + 5]
        listed = Note.objects.discoverable_for(viewer).filter(pk__in=window, status=Note.Status.PUBLISHED)
        notes = {n.pk: n for n in notes_hydrated(listed)}
        for note_id in window:
            position += 1
            note = notes.get(note_id)
            if note is not None and not hidden.hides(
                note.pk, note.author_id, (t.pk for t in note.topic_list())
            ):
                items.append(note)
                if len(items) == limit:
                    break
    next_cursor = f"{token}.{position}" if position < len(ids) else None
    return Page(items=items, next_cursor=next_cursor)
