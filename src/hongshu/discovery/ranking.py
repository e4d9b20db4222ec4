"""Explore's ranking, without the database: a candidate's features, its score, and the diversity pass.

Pure functions over plain data, so the offline quality benchmark (bench/explore_quality.py) ranks with
exactly the code the feed runs. The weights are settings (`HONGSHU_EXPLORE_*`, docs/configuration.md).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# What each interest picked at sign-up (hongshu.accounts.interests) means in topics, in both languages:
# the topic keys (notes.services.topic_key: case-folded NFKC) whose notes a newcomer starts from.
INTEREST_TOPICS: dict[str, tuple[str, ...]] = {
    "travel": (
        "travel",
        "budgettravel",
        "citywalk",
        "旅行",
        "旅游",
        "小众旅行地",
        "周末去哪儿",
        "城市漫步",
        "台灣旅遊",
    ),
    "food": ("food", "streetfood", "coffee", "baking", "美食", "探店", "咖啡", "烘焙", "香港美食", "咖啡廳"),
    "beauty": ("beauty", "skincare", "makeup", "护肤", "美妆", "保養心得"),
    "fashion": ("fashion", "ootd", "穿搭", "穿搭日記", "好物分享", "平价好物"),
    "study": ("study", "books", "读书", "学习"),
    "pets": ("pets", "cats", "dogs", "萌宠", "猫", "狗"),
    "fitness": ("fitness", "workout", "健身", "跑步"),
    "home": ("home", "homedecor", "家居", "租房改造", "開箱"),
    "photography": ("photography", "摄影", "日常", "weekend"),
    "outdoors": ("outdoors", "camping", "hiking", "露营", "徒步"),
}


def lang_group(language: str) -> str:
    """ "zh", "en" or "other" for a note's or reader's language code."""
    if language.startswith("zh"):
        return "zh"
    if language.startswith("en"):
        return "en"
    return "other"


def other_group(group: str) -> str:
    """The bridge: English readers are offered some Chinese notes, and everyone else some English ones."""
    return "zh" if group == "en" else "en"


@dataclass(frozen=True)
class Weights:
    """How much each source's signal counts (settings; see docs/configuration.md#explore)."""

    trending: float = 1.0
    topic: float = 0.6
    social: float = 0.5
    fresh: float = 0.3
    new_creator: float = 0.3
    jitter: float = 0.05
    other_language_share: float = 0.2


@dataclass
class Candidate:
    """A note offered by one or more sources, with the signals they gave, each in [0, 1]."""

    note_id: int
    author_id: int
    lang_group: str
    topic_ids: tuple[int, ...] = ()
    trending: float = 0.0
    topic: float = 0.0
    social: float = 0.0
    fresh: float = 0.0
    new_creator: float = 0.0
    score: float = field(default=0.0, compare=False)


def score(candidate: Candidate, weights: Weights, rng: random.Random) -> float:
    """The candidate's score: a weighted sum of its signals plus a little seeded noise, so two members with
    the same signals do not see the very same page and one member's page stays put for its seed."""
    return (
        weights.trending * candidate.trending
        + weights.topic * candidate.topic
        + weights.social * candidate.social
        + weights.fresh * candidate.fresh
        + weights.new_creator * candidate.new_creator
        + weights.jitter * rng.random()
    )


def topic_affinity(topic_ids: Iterable[int], liked: dict[int, float]) -> float:
    """How much of a note is in topics the reader cares about (0..1): its best topic's weight."""
    return max((liked.get(t, 0.0) for t in topic_ids), default=0.0)


def rank_by_percentile(values: dict[int, float]) -> dict[int, float]:
    """Each key's rank among `values` as a fraction in (0, 1], the highest 1: scores of different sources
    (engagement per hour, follow counts) become comparable without their scales."""
    # Values equal to three significant digits share a rank (the lowest of their run): two notes whose
    # scores differ only by the milliseconds between them are a tie, not an order, and a crowd of notes
    # nobody engaged with ranks at the bottom, not next to the best.
    rounded = {k: float(f"{v:.3g}") for k, v in values.items()}
    ordered = sorted(rounded.values())
    n = len(ordered)
    rank: dict[float, float] = {}
    for i, v in enumerate(ordered):
        rank.setdefault(v, (i + 1) / n)
    return {k: rank[v] for k, v in rounded.items()}


def diversify(
    ranked: Sequence[Candidate],
    *,
    screen: int,
    per_author: int = 2,
    per_topic: int = 4,
    other_group_name: str | None = None,
    other_share: float = 0.0,
    positions: int = 200,
    window: int = 60,
) -> list[Candidate]:
    """The candidates in reading order: best first, with, on every screen of `screen` notes, no author twice
    in a row, at most `per_author` notes of one author and `per_topic` of one topic, and about `other_share`
    of the notes in the reader's other language (`other_group_name`: the bridge, neither more nor less).

    Greedy: each position takes the best candidate left that keeps the rules. When none keeps them (a small
    site, one prolific author), the rules are relaxed one by one — the bridge's minimum, topics, the
    per-screen author cap, then "not twice in a row" and the bridge's maximum — so that nothing listable is
    ever hidden: the rest comes later instead.

    Bounded work per request: each position looks at the best `window` candidates left, and only the first
    `positions` (ten screens) are arranged; the rest follows in score order.
    """
    left = list(ranked)
    out: list[Candidate] = []
    authors: Counter[int] = Counter()
    topics: Counter[int] = Counter()
    bridged = 0
    while left and len(out) < positions:
        position = len(out) % screen
        if position == 0:
            authors.clear()
            topics.clear()
            bridged = 0
        previous = out[-1].author_id if out else None
        bridge_min = round(other_share * (position + 1))
        bridge_max = math.ceil(other_share * (position + 1))

        def keeps(c: Candidate, level: int) -> bool:
            other = c.lang_group == other_group_name
            if level >= 1 and (c.author_id == previous or (other and bridged >= bridge_max)):  # noqa: B023
                return False
            if level >= 2 and authors[c.author_id] >= per_author:
                return False
            if level >= 3 and any(topics[t] >= per_topic for t in c.topic_ids):
                return False
            return not (level >= 4 and bridged < bridge_min and not other)  # noqa: B023

        choice = 0
        for level in (4, 3, 2, 1, 0):
            found = next((i for i, c in enumerate(left[:window]) if keeps(c, level)), None)
            if found is not None:
                choice = found
                break
        picked = left.pop(choice)
        out.append(picked)
        authors[picked.author_id] += 1
        for t in picked.topic_ids:
            topics[t] += 1
        if picked.lang_group == other_group_name:
            bridged += 1
    return out + left
