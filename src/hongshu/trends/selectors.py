"""Trend reads: the hot ranking (trending velocity), suggestions while typing, a member's history."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.core.cache import cache
from django.db.models import Count, Max
from django.db.models.functions import TruncHour
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.notes.models import Note, NoteTopic
from hongshu.search.selectors import Viewer, suggest_terms
from hongshu.trends.models import HotSuppression, QueryEvent, SearchHistory
from hongshu.trends.services import HOT_CACHE_KEY, term_normalise

RECENT = timedelta(hours=1)  # the window whose rate is compared ...
BASELINE = timedelta(hours=23)  # ... with the hours before it
PRIOR = 3.0  # pseudo-searches per hour added to every baseline: a brand-new term needs several searchers
MIN_RECENT = 2  # one searcher alone never makes a term "hot"
MIN_POPULAR = 2  # distinct members before a logged query is suggested to others
HOT_SIZE = 20
CACHE_SECONDS = 60


@dataclass(frozen=True)
class HotEntry:
    kind: Literal["query", "topic"]
    term: str
    recent: int  # distinct searchers (counting keys: members, visitor networks) or authors in the last hour
    baseline: int  # in the 23 hours before (a key once per clock hour)
    score: float  # velocity of the weighted counts (see `hot_compute`)
    weight: float = 0.0  # the weighted count of the last hour (for topics: `recent`, every author weighs 1)


@dataclass(frozen=True)
class TrendSuggestion:
    kind: Literal["history", "query", "topic", "member"]
    text: str
    value: str


def velocity(recent: float, baseline: float) -> float:
    """How far the last hour runs above the usual hourly rate, in (Poisson) standard deviations.

    The prior keeps a first-ever search from scoring like a burst, and a steadily popular term scores ~0.
    """
    expected = baseline * (RECENT / BASELINE)
    return (recent - expected) / math.sqrt(expected + PRIOR)


@dataclass
class _Counts:
    """Per term: distinct counting keys, and the sum of their weights."""

    keys: Counter[str]
    weighted: defaultdict[str, float]


def _query_counts(since: datetime, until: datetime, *, hourly: bool = False) -> _Counts:
    """Counting keys per term in the window, each once: a member (`member`) or a visitor network
    (`network`, members' rows have it empty), at the highest weight it searched with in the window.
    `hourly` counts a key once per clock hour instead of once per window, so a long baseline measures a rate
    (searchers per hour) comparable with the last hour. Rows from before the per-network log (no member, no
    network) share one key per term."""
    events = QueryEvent.objects.filter(minute__gte=since, minute__lt=until)
    group: dict[str, Any] = {"hour": TruncHour("minute")} if hourly else {}
    rows = events.values("term", "member", "network", **group).annotate(w=Max("weight"))
    counts = _Counts(keys=Counter(), weighted=defaultdict(float))
    for row in rows:
        term = str(row["term"])
        counts.keys[term] += 1
        counts.weighted[term] += float(row["w"])
    return counts


def _topic_counts(since: datetime, until: datetime) -> _Counts:
    # A topic trends when many different authors post public notes under it; an author counts once.
    public = Note.objects.discoverable_for(None).filter(published_at__gte=since, published_at__lt=until)
    rows = (
        NoteTopic.objects.filter(note__in=public.values("pk"))
        .values("topic__key")
        .annotate(authors=Count("note__author", distinct=True))
    )
    authors = Counter({str(r["topic__key"]): int(r["authors"]) for r in rows})
    return _Counts(keys=authors, weighted=defaultdict(float, {k: float(n) for k, n in authors.items()}))


def _rank(kind: Literal["query", "topic"], recent: _Counts, base: _Counts) -> list[HotEntry]:
    hidden = set(HotSuppression.objects.filter(kind=kind).values_list("term", flat=True))
    entries = [
        HotEntry(
            kind=kind,
            term=term,
            recent=n,
            baseline=base.keys[term],
            score=round(velocity(recent.weighted[term], base.weighted[term]), 4),
            weight=round(recent.weighted[term], 4),
        )
        for term, n in recent.keys.items()
        if n >= MIN_RECENT and term not in hidden
    ]
    entries = [e for e in entries if e.score > 0]
    entries.sort(key=lambda e: (-e.score, -e.weight, -e.recent, e.term))
    return entries[:HOT_SIZE]


def hot_compute(*, now: datetime | None = None) -> dict[str, list[HotEntry]]:
    """The ranking at `now`: trending searches and topics by velocity, suppressed terms left out.

    Queries: each counting key (a member, or a visitor's network) counts once per term in the last hour and
    once per clock hour in the 23 before, weighing `trends.services.search_weight` (visitors and new
    accounts less than established members); the velocity compares the weighted sums. A term needs
    MIN_RECENT distinct keys in the last hour. docs/search.md#hot-ranking has the whole computation.

    A pure read: the anonymous searches counted in Redis join the log through the periodic flush job
    (`trends.flush_search_buffer`, every minute, as often as this ranking is refreshed)."""
    now = now or timezone.now()
    split, start = now - RECENT, now - RECENT - BASELINE
    return {
        "queries": _rank("query", _query_counts(split, now), _query_counts(start, split, hourly=True)),
        "topics": _rank("topic", _topic_counts(split, now), _topic_counts(start, split)),
    }


def hot_ranking(*, now: datetime | None = None) -> dict[str, list[HotEntry]]:
    """The 热点榜, computed on read and cached for a minute (that is the "refreshed every minute")."""
    if now is not None:
        return hot_compute(now=now)
    cached = cache.get(HOT_CACHE_KEY)
    if cached is None:
        cached = hot_compute()
        cache.set(HOT_CACHE_KEY, cached, CACHE_SECONDS)
    return cached  # type: ignore[no-any-return]


def history_of(*, member: User, limit: int = 50) -> list[SearchHistory]:
    return list(SearchHistory.objects.filter(member=member).order_by("-searched_at", "-id")[:limit])


def popular_queries(*, prefix: str, limit: int = 5, now: datetime | None = None) -> list[str]:
    """Logged terms starting with `prefix` over the last week, by distinct signed-in searchers.

    A term is offered to everyone only once MIN_POPULAR different members searched it: one person's search
    (or an anonymous visitor repeating it) must never become a public suggestion.
    """
    key = term_normalise(prefix)
    if not key:
        return []
    since = (now or timezone.now()) - timedelta(days=7)
    hidden = HotSuppression.objects.filter(kind="query").values("term")
    rows = (
        QueryEvent.objects.filter(term__startswith=key, minute__gte=since)
        .exclude(term__in=hidden)
        .values("term")
        .annotate(n=Count("member", distinct=True))
        .filter(n__gte=MIN_POPULAR)
        .order_by("-n", "term")[:limit]
    )
    return [str(r["term"]) for r in rows]


def suggest(*, viewer: Viewer, prefix: str, limit: int = 8) -> list[TrendSuggestion]:
    """Suggestions while typing: the viewer's own matching history first, then popular queries, then the
    engine's topics and members (names, handles, pinyin). Duplicates (by normalised text) are dropped."""
    key = term_normalise(prefix)
    if not key:
        return []
    limit = max(1, min(limit, 20))
    out: list[TrendSuggestion] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: Literal["history", "query", "topic", "member"], text: str, value: str) -> None:
        group = "member" if kind == "member" else "text"
        mark = (group, term_normalise(value))
        if mark not in seen:
            seen.add(mark)
            out.append(TrendSuggestion(kind=kind, text=text, value=value))

    if isinstance(viewer, User) and viewer.is_authenticated:
        mine = SearchHistory.objects.filter(member=viewer, term__startswith=key).order_by("-searched_at")[:3]
        for row in mine:
            add("history", row.query, row.query)
    for term in popular_queries(prefix=prefix, limit=4):
        add("query", term, term)
    for s in suggest_terms(viewer=viewer, prefix=prefix, limit=limit):
        add(s.kind, s.text, s.value)
    return out[:limit]
