"""The prepared text scorer gives exactly the score of the rule it implements, written out plainly here."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from hongshu.search import ranking
from hongshu.search.backends import Candidate
from hongshu.search.pipeline import QueryTerm

TOKENS = ["火锅", "hotpot", "成都", "chengdu", "咖啡", "cafe", "#探店", "🍜"]


def plain_score(candidate: Candidate, terms: list[QueryTerm]) -> float:
    """Each query word (group) scores its best term × column weight; too few words matched scores 0."""
    best: dict[int, float] = {}
    for term in terms:
        best.setdefault(term.group, 0.0)
        for column, weight in ranking.COLUMN_WEIGHTS.items():
            if term.token in getattr(candidate, column).split():
                best[term.group] = max(best[term.group], weight * term.weight)
    if not best:
        return 0.0
    matched = sum(1 for score in best.values() if score > 0)
    if matched < max(1, math.ceil(len(best) * ranking.MIN_COVERAGE)):
        return 0.0
    return sum(best.values()) / len(best)


columns = st.lists(st.sampled_from(TOKENS), max_size=6).map(" ".join)
terms = st.lists(
    st.builds(
        QueryTerm,
        token=st.sampled_from(TOKENS),
        weight=st.sampled_from([1.0, 0.4, 0.7]),
        group=st.integers(min_value=0, max_value=3),
    ),
    max_size=6,
)


@given(title=columns, topics=columns, body=columns, query=terms)
def test_scorer_matches_the_plain_rule(title: str, topics: str, body: str, query: list[QueryTerm]) -> None:
    candidate = Candidate.of(1, title, topics, body)
    assert ranking.text_scorer(query)(candidate) == plain_score(candidate, query)


def test_a_title_match_outscores_a_body_match() -> None:
    query = [QueryTerm("火锅", 1.0, 0)]
    in_title = Candidate.of(1, "火锅", "", "")
    in_body = Candidate.of(2, "", "", "成都 火锅")
    score = ranking.text_scorer(query)
    assert score(in_title) == 3.0
    assert score(in_body) == 1.0
    assert score(Candidate.of(3, "成都", "", "")) == 0.0
