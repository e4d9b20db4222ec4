"""Search reads. Notes are reached ONLY through the visibility policy (`Note.objects.discoverable_for`).

Every selector runs a fixed number of queries whatever the page size. Notes: the backend returns a bounded
candidate set (ids and their tokens), ranked without regard to the viewer (and cached briefly); the policy
then filters the ranked ids in one query (two when it hides many) that also reads their counters, and the
page comes from the cache of hydrated notes or the notes app's fixed-query hydration.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.compiled import CompiledValues
from hongshu.core.errors import field_error
from hongshu.core.replica import reads_from_replica
from hongshu.embeddings.fusion import hybrid_scores
from hongshu.interactions.selectors import (
    COUNT_FIELDS,
    NoteCounts,
    count_annotations,
    counts_of,
    note_counts,
    with_counts,
)
from hongshu.notes.models import Note, NoteImage, Topic
from hongshu.notes.selectors import NoteVersion, PolicyVersions, notes_cached
from hongshu.search import backends, pipeline, ranking, spelling
from hongshu.search.models import PublicTopic, SearchTerm
from hongshu.social.querysets import members_discoverable_for
from hongshu.textlib import chinese

T = TypeVar("T")
Viewer = User | AnonymousUser | None
SORTS = ("relevance", "latest", "likes")
MEDIA = ("all", "photo", "video")
MAX_LIMIT = 50
MAX_OFFSET = 1000
CANDIDATES = 100  # newest text matches per candidate tier (backends.candidates); never every match
SHORTLIST = 120  # best candidates by text and freshness that the visibility policy and likes are asked about
MAX_HINT_PIECES = 10
MAX_SOUND_ALIKES = 20
TERM_ROWS = 500  # prefix-matching key rows read for members, topics and suggestions


@dataclass(frozen=True)
class SearchPage(Generic[T]):
    items: list[T]
    next_offset: int | None  # None at the end
    # Note searches: the counters of the notes on the page, already read for ranking (API and page reuse them).
    counts: Mapping[int, NoteCounts] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    kind: Literal["topic", "member"]
    text: str
    value: str


def _bounds(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_LIMIT)), max(0, min(offset, MAX_OFFSET))


def _page(items: Sequence[T], limit: int, offset: int) -> SearchPage[T]:
    window = list(items[offset : offset + limit])
    more = len(items) > offset + limit and offset + limit <= MAX_OFFSET
    return SearchPage(items=window, next_offset=offset + limit if more else None)


def _member(viewer: Viewer) -> User | None:
    return viewer if isinstance(viewer, User) and viewer.is_authenticated else None


@reads_from_replica
def search_note_ids(
    *,
    viewer: Viewer,
    query: str,
    sort: str = "relevance",
    media: str = "all",
    limit: int = 20,
    offset: int = 0,
) -> SearchPage[NoteVersion]:
    """The notes matching `query` that `viewer` may see, `sort`ed by relevance, latest or likes: their ids
    and versions (to hydrate or render them from the cache, `notes.selectors.notes_rendered`) and counts.

    Raises `field_error` for an unknown sort or media filter; any query text is safe (reduced to tokens).
    """
    if sort not in SORTS:
        raise field_error("sort", _("Sort by relevance, latest or likes."), code="invalid_sort")
    if media not in MEDIA:
        raise field_error("media", _("Filter by all, photo or video."), code="invalid_media")
    limit, offset = _bounds(limit, offset)
    # Notes carry photos only so far: no note has a video, so the video filter is honestly empty.
    if media == "video":
        return SearchPage(items=[], next_offset=None)
    # Two fixed sizes, so every page within the first SHORTLIST / 2 results comes from the same candidates
    # and shortlist (no duplicates or gaps between those pages); deeper pages share the larger one. Half,
    # because the policy may hide some of the shortlist.
    deep = offset + limit > SHORTLIST // 2
    ranked = _ranked(query, sort=sort, media=media, deep=deep)
    visible, counts = _visible_in_order(viewer, ranked, need=offset + limit + 1)
    page = _page(visible, limit, offset)
    return SearchPage(
        items=page.items,
        next_offset=page.next_offset,
        counts={v.note_id: counts[v.note_id] for v in page.items},
    )


@reads_from_replica
def search_notes(
    *,
    viewer: Viewer,
    query: str,
    sort: str = "relevance",
    media: str = "all",
    limit: int = 20,
    offset: int = 0,
) -> SearchPage[Note]:
    """`search_note_ids`, hydrated (from the cache of hydrated notes where it can)."""
    found = search_note_ids(viewer=viewer, query=query, sort=sort, media=media, limit=limit, offset=offset)
    notes = notes_cached(versions=found.items)
    items = [notes[v.note_id] for v in found.items if v.note_id in notes]
    return SearchPage(items=items, next_offset=found.next_offset, counts=found.counts)


def ranked_cache_key(query: str, *, sort: str, media: str, deep: bool) -> str:
    """The cache key of `_ranked`'s order (its refresh lock is this key + `:lock`)."""
    normal = pipeline.normalise(query[: pipeline.QUERY_MAX_CHARS])
    return "search:ranked:v2:" + hashlib.sha256(f"{normal}|{sort}|{media}|{deep}".encode()).hexdigest()


def _ranked(query: str, *, sort: str, media: str, deep: bool) -> list[int]:
    """The candidates in their final order, BEFORE the visibility policy: text, freshness and likes do not
    depend on who searches, so the same search within `search_cache_seconds` reuses the order (hot searches
    repeat during an influx). Who may see each note is decided per request (`_visible_in_order`), so a
    hidden or deleted note never comes out of the cache.

    A cascade: a cheap first order over every candidate (text × freshness read from the time-ordered id),
    then publication times and the likes counters only for the shortlist (all candidates for deep pages).
    """
    seconds = settings.HONGSHU.search_cache_seconds
    if not seconds:
        return _ranked_now(query, sort=sort, media=media, deep=deep)
    key = ranked_cache_key(query, sort=sort, media=media, deep=deep)
    # Stored as (fresh until, order) and kept twice as long: when a hot search's order goes stale, ONE
    # request (the one that takes the short lock) ranks it again while the others keep serving the stale
    # order, instead of every concurrent request missing at once and ranking it in parallel (a stampede:
    # p99 above 1 s on the Zipf mix of bench/search_bench.py).
    cached, now, lock = cache.get(key), time.time(), key + ":lock"
    if cached is None:
        ordered = _ranked_now(query, sort=sort, media=media, deep=deep)
        cache.set(key, (now + seconds, ordered), 2 * seconds)
        return ordered
    fresh_until, ordered = cast(tuple[float, list[int]], cached)
    if now < fresh_until or not cache.add(lock, 1, timeout=seconds):
        return ordered
    try:
        ordered = _ranked_now(query, sort=sort, media=media, deep=deep)
        cache.set(key, (now + seconds, ordered), 2 * seconds)
    finally:
        cache.delete(lock)
    return ordered


_LIKES = COUNT_FIELDS[:1]  # ("counted_likes",)


def _ranking_facts_query(ids: list[int], *, photo: bool) -> QuerySet[Any]:
    """Ranking facts only, no content: live published notes (the policy narrows them per request), their
    publication time and likes, in one round trip (the likes in a second query, with the other counts,
    made every ranking slower: docs/benchmarks.md#ranking-facts-in-one-round-trip)."""
    live = Note.objects.alive().filter(pk__in_ids=ids, status=Note.Status.PUBLISHED)
    if photo:
        live = live.filter(Exists(NoteImage.objects.filter(note_id=OuterRef("pk"))))
    return with_counts(live, fields=_LIKES).values_list("pk", "published_at", *_LIKES)


# By "photos only": compiled once each (core.compiled), as every new ranking reads them for its shortlist.
_ranking_facts = {
    photo: CompiledValues(lambda ids, photo=photo: _ranking_facts_query(ids, photo=photo))
    for photo in (False, True)
}


def _ranked_now(query: str, *, sort: str, media: str, deep: bool) -> list[int]:
    """`_ranked` computed afresh."""
    scores = _text_scores(query, deep=deep, relevance=sort == "relevance")
    now = timezone.now()
    counts: Mapping[int, NoteCounts] = {}
    if sort == "latest":
        first = sorted(scores, reverse=True)
    elif sort == "likes":
        counts = note_counts(note_ids=list(scores))
        first = sorted(scores, key=lambda i: (-counts[i].likes, -scores[i], -i))
    else:
        rough = {i: ranking.first_pass_score(s, note_id=i, now=now) for i, s in scores.items()}
        first = sorted(scores, key=lambda i: (-rough[i], -i))
    shortlist = first if deep else first[:SHORTLIST]
    facts = _ranking_facts[media == "photo"].rows(ids=shortlist)
    published = {pk: at for pk, at, _ in facts}
    if sort == "relevance":
        likes = {pk: max(counted, 0) for pk, _, counted in facts}
        final = {
            i: ranking.combined_score(scores[i], likes=likes[i], published_at=at, now=now)
            for i, at in published.items()
        }
        ordered = sorted(published, key=lambda i: (-final[i], -i))
    else:
        ordered = [i for i in first if i in published]
    return ordered


# The policy query of every search request, with the counters in it; compiled once per kind of viewer
# (building and compiling it through the ORM took as long as PostgreSQL took to answer it:
# docs/benchmarks.md#compiled-search-policy-query).
_listed_with_counts = PolicyVersions(annotations=count_annotations())


def _visible_in_order(
    viewer: Viewer, ranked: Sequence[int], *, need: int
) -> tuple[list[NoteVersion], dict[int, NoteCounts]]:
    """The ranked notes `viewer` may see (the one visibility policy), in rank order, until `need` are found,
    with their counts of now: the first `need` and a margin in one query, the rest in a second only if the
    policy hid too many. The counters come in the policy's own query (`with_counts`), never from a cache."""
    visible: list[NoteVersion] = []
    counts: dict[int, NoteCounts] = {}
    start = 0
    for end in (need + need // 2 + 5, len(ranked)):
        chunk = ranked[start:end]
        if not chunk or len(visible) >= need:
            break
        found: dict[int, NoteVersion] = {}
        for version, counted in _listed_with_counts.rows(ids=chunk, viewer=viewer):
            found[version.note_id] = version
            counts[version.note_id] = counts_of(*counted)
        visible += [found[i] for i in chunk if i in found]
        start = end
    return visible, counts


def _text_scores(query: str, *, deep: bool, relevance: bool) -> dict[int, float]:
    """note id → text score of the bounded candidate set."""
    terms = pipeline.query_terms(query, hints=query_hints(query))
    found = backends.candidates(terms, limit=MAX_OFFSET + MAX_LIMIT + 1 if deep else CANDIDATES)
    score = ranking.text_scorer(terms)
    scores = {c.note_id: s for c in found if (s := score(c)) > 0}
    if relevance:  # + semantic hits (embeddings app; no-op when off), still policy-filtered afterwards
        scores = hybrid_scores(query=query, keyword_scores=scores)
    return scores


def query_hints(query: str) -> pipeline.QueryHints:
    """Spelling corrections and sound-alike topics for the query's pieces (see `pipeline.QueryHints`).

    Each piece's hints are worked out once per `search_cache_seconds` and shared by every query holding
    the piece (a new pair of common words is a cold ranking, but its words are not new, and the topics query
    was a noticeable part of a cold ranking: docs/benchmarks.md#query-hints-per-piece). A new topic or a new
    word in the index shows in hints that much later.
    """
    pieces = list(dict.fromkeys(pipeline.query_pieces(query)))[:MAX_HINT_PIECES]
    seconds = settings.HONGSHU.search_cache_seconds
    keys = {piece: _hints_key(piece) for piece in pieces}
    known = cache.get_many(list(keys.values())) if seconds and pieces else {}
    hints = {piece: known[key] for piece, key in keys.items() if key in known}
    fresh = _piece_hints([piece for piece in pieces if piece not in hints])
    if seconds and fresh:
        cache.set_many({keys[piece]: found for piece, found in fresh.items()}, seconds)
    hints.update(fresh)
    return pipeline.QueryHints(
        corrections={piece: fixed for piece, (_, fixed) in hints.items() if fixed is not None},
        sound_alikes={piece: list(names) for piece, (names, _) in hints.items() if names},
    )


def _hints_key(piece: str) -> str:
    return "search:hints:v1:" + hashlib.sha256(piece.encode()).hexdigest()


def _piece_hints(pieces: list[str]) -> dict[str, tuple[tuple[str, ...], str | None]]:
    """piece → (sound-alike topic names, spelling correction or None), from the index and the topics.

    At most one query for the topics, plus one index probe per Latin word the English dictionary does not
    know (rare: typos, brand names, pinyin).
    """
    sound_keys: dict[str, str] = {}  # pinyin key → piece
    for piece in pieces:
        if chinese.has_han(piece) and not piece.startswith("#") and 2 <= len(piece) <= 8:
            sound_keys.setdefault(chinese.pinyin_full(piece), piece)
        elif piece.isascii() and piece.isalpha() and len(piece) >= 4 and not spelling.is_known(piece):
            sound_keys.setdefault(piece, piece)
    sound_alikes: dict[str, list[str]] = defaultdict(list)
    if sound_keys:
        rows = SearchTerm.objects.filter(kind=SearchTerm.Kind.TOPIC, term__in=list(sound_keys))
        # Only topics a note everyone may see carries (their keys exist only then; the count says it again).
        listed = PublicTopic.objects.filter(notes__gt=0, topic_id__in=rows.values("object_id"))
        for topic in Topic.objects.filter(pk__in=listed.values("topic_id"))[:MAX_SOUND_ALIKES]:
            typed = sound_keys.get(chinese.pinyin_full(topic.name))
            if typed is not None and pipeline.normalise(topic.name) != typed:
                sound_alikes[typed].append(topic.name)
    out: dict[str, tuple[tuple[str, ...], str | None]] = {}
    for piece in pieces:
        names = tuple(sound_alikes.get(piece, ()))
        fixed = None
        if not names and pipeline.is_latin_word(piece):
            fixed = spelling.correction(piece)
            if fixed is not None and backends.contains(pipeline.stem(piece)):
                fixed = None
        out[piece] = (names, fixed)
    return out


def _prefixes(query: str) -> list[str]:
    """Keys a name query is matched on: each word as typed (casefolded), its pipeline tokens, and all of it."""
    query = query[: pipeline.QUERY_MAX_CHARS]
    normal = pipeline.normalise(query)
    keys = [*normal.split(), *pipeline.tokens(query), "".join(normal.split())]
    safe = [k for k in (pipeline._safe(k) for k in keys) if k]
    return list(dict.fromkeys(safe))[:10]


def _term_scores(kind: str, query: str) -> dict[int, float]:
    """object id → score: for each query key, the best key row starting with it (an exact match counts more)."""
    prefixes = _prefixes(query)
    if not prefixes:
        return {}
    condition = Q()
    for prefix in prefixes:
        condition |= Q(term__startswith=prefix)
    rows = SearchTerm.objects.filter(condition, kind=kind).values_list("object_id", "term", "weight")
    best: dict[int, dict[str, float]] = defaultdict(dict)
    for object_id, term, weight in rows[:TERM_ROWS]:
        for prefix in prefixes:
            if term.startswith(prefix):
                score = weight * (1.0 if term == prefix else 0.7) * len(prefix)
                best[object_id][prefix] = max(best[object_id].get(prefix, 0.0), score)
    return {object_id: sum(scores.values()) for object_id, scores in best.items()}


def _listed_members(viewer: Viewer, ids: Sequence[int]) -> QuerySet[User]:
    # The account policy: blocks are mutual invisibility, in search as everywhere; a limited member is
    # offered only to their followers (the policy's discovery part).
    return members_discoverable_for(viewer).filter(pk__in_ids=ids)


@reads_from_replica
def search_members(*, viewer: Viewer, query: str, limit: int = 20, offset: int = 0) -> SearchPage[User]:
    """Members by handle, display name, Chinese name, or the pinyin (full or initials) of either name.

    Ranked on (id, handle) pairs; only the page's members are loaded whole: a short prefix matches
    hundreds of members, and building every one as a model (with its avatar) took most of the request.
    """
    limit, offset = _bounds(limit, offset)
    scores = _term_scores(SearchTerm.Kind.MEMBER, query)
    handles = dict(_listed_members(viewer, list(scores)).values_list("pk", "handle"))
    ranked = sorted(handles, key=lambda pk: (-scores[pk], len(handles[pk]), handles[pk]))
    window = _page(ranked, limit, offset)
    loaded = User.objects.filter(pk__in=window.items).select_related("avatar").in_bulk()
    # A member deactivated between the two reads drops out of this page rather than showing.
    items = [loaded[pk] for pk in window.items if pk in loaded and loaded[pk].is_active]
    return SearchPage(items=items, next_offset=window.next_offset)


@reads_from_replica
def search_topics(*, query: str, limit: int = 20, offset: int = 0) -> SearchPage[Topic]:
    """Topics by name or pinyin that some note everyone may see carries; among equal matches the topic of
    more such notes first. The same for every viewer: a topic named only on drafts, "only me",
    followers-only or deleted notes is never offered (`PublicTopic`, kept by the index job through the
    visibility policy). Three indexed queries: the key rows, the listed ones among them with their counts
    and names (plain tuples: a short prefix matches hundreds, and building each as a model cost more than
    the queries), then the page's topics."""
    limit, offset = _bounds(limit, offset)
    scores = _term_scores(SearchTerm.Kind.TOPIC, query)
    listed = PublicTopic.objects.filter(topic_id__in_ids=list(scores), notes__gt=0).values_list(
        "topic_id", "notes", "topic__name"
    )
    ranked = sorted(listed, key=lambda row: (-scores[row[0]] * (1 + 0.1 * math.log1p(row[1])), row[2]))
    window = _page([topic_id for topic_id, _, _ in ranked], limit, offset)
    loaded = Topic.objects.in_bulk(window.items)
    return SearchPage(
        items=[loaded[pk] for pk in window.items if pk in loaded], next_offset=window.next_offset
    )


def suggest_terms(*, viewer: Viewer, prefix: str, limit: int = 8) -> list[Suggestion]:
    """Topics and members whose name, handle or pinyin starts with `prefix`; six queries at most."""
    limit = max(1, min(limit, 20))
    topics = search_topics(query=prefix, limit=limit).items
    members = search_members(viewer=viewer, query=prefix, limit=limit).items
    out = [Suggestion(kind="topic", text=f"#{t.name}", value=t.name) for t in topics]
    out += [Suggestion(kind="member", text=m.display_name or m.handle, value=m.handle) for m in members]
    # Interleave so a few topics and a few members both show when there are many of each.
    half = max(1, limit // 2)
    picked = out[: min(half, len(topics))] + out[len(topics) : len(topics) + limit]
    return (picked + [s for s in out if s not in picked])[:limit]
