"""Scoring a bounded candidate set in Python, identically for every backend.

Text relevance comes from the tokens the backend returned with each candidate: every query word (a group
of alternatives: the typed token and its dictionary translations) scores its best match, weighted by the
column (title > topics/place > body) and by the term (typed 1.0, translation 0.4). Engagement (likes) and
freshness then scale it — gently, so a popular note never outranks a much better textual match.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from hongshu.core.ids import id_timestamp_ms
from hongshu.search.backends import Candidate
from hongshu.search.pipeline import QueryTerm

COLUMN_WEIGHTS = {"title": 3.0, "topics": 2.0, "body": 1.0}
LIKES_FACTOR = 0.15
FRESH_HALF_LIFE_DAYS = 30.0
FRESH_SHARE = 0.3  # how much of the score freshness can take away from an old note
# Of the query's words a note must match: half, so 火锅店 (火锅 + 火锅店) still finds a note about 火锅,
# while the mean per word ranks notes matching every word first.
MIN_COVERAGE = 0.5


def text_scorer(terms: Sequence[QueryTerm]) -> Callable[[Candidate], float]:
    """A candidate's text score for this query: 0 when the note matches too few of the query's words, else
    the mean best match per word. Prepared once for the whole candidate set (a cold search scores a few
    hundred candidates: the needles and weights are built once, not per candidate)."""
    groups = list(dict.fromkeys(term.group for term in terms))
    slot = {group: i for i, group in enumerate(groups)}
    # tokens hold no spaces; columns are space-separated (Candidate)
    needles = [(slot[term.group], f" {term.token} ", term.weight) for term in terms]
    needed = max(1, math.ceil(len(groups) * MIN_COVERAGE))
    title_w, topics_w, body_w = COLUMN_WEIGHTS["title"], COLUMN_WEIGHTS["topics"], COLUMN_WEIGHTS["body"]

    def score(candidate: Candidate) -> float:
        if not groups:
            return 0.0
        best = [0.0] * len(groups)
        for group, needle, weight in needles:
            # Columns by falling weight: the first that holds the token is this term's best.
            if needle in candidate.title:
                column = title_w
            elif needle in candidate.topics:
                column = topics_w
            elif needle in candidate.body:
                column = body_w
            else:
                continue
            best[group] = max(best[group], column * weight)
        if sum(1 for value in best if value > 0) < needed:
            return 0.0
        return sum(best) / len(best)

    return score


def freshness(published_at: datetime | None, now: datetime) -> float:
    """1.0 for a note published now, halving every FRESH_HALF_LIFE_DAYS."""
    if published_at is None:
        return 0.0
    age_days = max((now - published_at).total_seconds(), 0.0) / 86400
    return float(0.5 ** (age_days / FRESH_HALF_LIFE_DAYS))


def _scaled(text: float, fresh: float) -> float:
    return text * (1.0 - FRESH_SHARE + FRESH_SHARE * fresh)


def first_pass_score(text: float, *, note_id: int, now: datetime) -> float:
    """Text and freshness only, with the time read from the time-ordered id: no query needed. It picks the
    shortlist that the visibility policy and the likes counters are asked about."""
    created = datetime.fromtimestamp(id_timestamp_ms(note_id) / 1000, tz=UTC)
    return _scaled(text, freshness(created, now))


def combined_score(text: float, *, likes: int, published_at: datetime | None, now: datetime) -> float:
    boost = 1.0 + LIKES_FACTOR * math.log1p(max(likes, 0))
    return boost * _scaled(text, freshness(published_at, now))
